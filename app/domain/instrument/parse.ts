import { parse as parseYaml, YAMLParseError } from "yaml";
import type { ZodIssue } from "zod";
import { InstrumentSchema, type Instrument } from "./schema";
import { validateInstrument, type InstrumentIssue } from "./validate";

/** An instrument file that cannot be used; `issues` name the row (item or node id) of each problem. */
export class InstrumentError extends Error {
  override readonly name = "InstrumentError";
  constructor(
    readonly sourceName: string,
    readonly issues: InstrumentIssue[],
  ) {
    super(`${sourceName}: invalid instrument\n${issues.map((i) => `  - ${i.at}: ${i.message}`).join("\n")}`);
  }
}

/**
 * Locates a Zod issue by the nearest `id` along its path, so the message names the LKE row
 * ("<item id>: formula.kind …") rather than an array index path nobody can map to the file.
 */
function locate(raw: unknown, issue: ZodIssue): InstrumentIssue {
  let node: unknown = raw;
  let at = "instrument";
  let rest: Array<string | number> = [...issue.path];
  const consumed: Array<string | number> = [];
  for (const key of issue.path) {
    if (node === null || typeof node !== "object") break;
    node = (node as Record<string | number, unknown>)[key];
    consumed.push(key);
    const id = node !== null && typeof node === "object" ? (node as { id?: unknown }).id : undefined;
    if (typeof id === "string") {
      at = id;
      rest = issue.path.slice(consumed.length);
    }
  }
  const field = rest.length > 0 ? `${rest.join(".")}: ` : "";
  return { at, message: `${field}${issue.message}` };
}

/**
 * Parses and validates an instrument file (YAML text). Pure: the caller reads the file.
 * Rejects, naming the row: unparsable YAML, schema violations, weights whose subtree sums differ
 * from the parent weight by more than 1e-9, duplicate or malformed ids (README §2), option values
 * outside [0, 1], and formulas naming undeclared inputs.
 * @throws InstrumentError
 */
export function parseInstrument(text: string, sourceName: string): Instrument {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? `line ${e.linePos[0].line}` : "yaml";
    throw new InstrumentError(sourceName, [{ at: where, message: e instanceof Error ? e.message : String(e) }]);
  }
  const parsed = InstrumentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InstrumentError(
      sourceName,
      parsed.error.issues.map((i) => locate(raw, i)),
    );
  }
  const issues = validateInstrument(parsed.data);
  if (issues.length > 0) throw new InstrumentError(sourceName, issues);
  return parsed.data;
}
