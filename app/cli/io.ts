export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export const processIo: CliIo = {
  out: (s) => process.stdout.write(s.endsWith("\n") ? s : s + "\n"),
  err: (s) => process.stderr.write(s.endsWith("\n") ? s : s + "\n"),
};

export class UsageError extends Error {}

/** Splits `--name value` / `--flag` options from positional arguments; unknown options are errors. */
export function parseArgs(
  args: string[],
  spec: Record<string, "string" | "boolean">,
): { positional: string[]; opts: Record<string, string | boolean> } {
  const positional: string[] = [];
  const opts: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const [rawName, inline] = a.slice(2).split("=", 2) as [string, string | undefined];
    const kind = spec[rawName];
    if (!kind) throw new UsageError(`unknown option --${rawName}`);
    if (kind === "boolean") {
      opts[rawName] = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`option --${rawName} needs a value`);
    opts[rawName] = value;
  }
  return { positional, opts };
}
