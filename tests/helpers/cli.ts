import { main } from "~/cli/main";

/** Runs `cermin <args>` in this process (the environment as it is now) and collects what it printed. */
export async function runMain(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}
