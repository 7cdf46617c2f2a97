import { parse as parseYaml, YAMLParseError } from "yaml";
import type { ZodIssue } from "zod";
import { issue, issueCode, isInstrumentIssueKey, type InstrumentIssue, type InstrumentIssueKey } from "./issues";
import { InstrumentSchema, type Instrument } from "./schema";
import { validateInstrument } from "./validate";

/**
 * An instrument file that cannot be used; `issues` name the row (item or node id) of each problem,
 * as keys with parameters. The message is language-free unless the caller passes `describe` (the
 * services pass the English rendering, app/i18n/instrument-issues.ts).
 */
export class InstrumentError extends Error {
  override readonly name = "InstrumentError";
  constructor(
    readonly sourceName: string,
    readonly issues: InstrumentIssue[],
    describe: (issue: InstrumentIssue) => string = issueCode,
  ) {
    super(`${sourceName}: invalid instrument\n${issues.map((i) => `  - ${describe(i)}`).join("\n")}`);
  }
}

/** What a YAML parser's error code says, in the words of our messages. */
const YAML_KEYS: Partial<Record<YAMLParseError["code"], InstrumentIssueKey>> = {
  BAD_INDENT: "instrument.yaml.indent",
  TAB_AS_INDENT: "instrument.yaml.tab",
  MISSING_CHAR: "instrument.yaml.unclosed",
  DUPLICATE_KEY: "instrument.yaml.duplicateKey",
  BAD_DQ_ESCAPE: "instrument.yaml.escape",
  MULTIPLE_DOCS: "instrument.yaml.multipleDocs",
  MULTILINE_IMPLICIT_KEY: "instrument.yaml.structure",
  BLOCK_AS_IMPLICIT_KEY: "instrument.yaml.structure",
  BLOCK_IN_FLOW: "instrument.yaml.structure",
  UNEXPECTED_TOKEN: "instrument.yaml.structure",
  BAD_SCALAR_START: "instrument.yaml.structure",
};

/** A YAML text that does not parse, located at `at` (the file name) with its line and column. */
export function yamlIssue(e: unknown, at: string): InstrumentIssue {
  if (e instanceof YAMLParseError && e.linePos) {
    const { line, col } = e.linePos[0];
    return issue(at, YAML_KEYS[e.code] ?? "instrument.yaml.syntax", { line, column: col });
  }
  return issue(at, "instrument.yaml.unreadable");
}

/** The schema's own texts are message keys; everything else is told by the kind of problem. */
function schemaKey(i: ZodIssue): { key: InstrumentIssueKey; params: Record<string, string | number | string[]> } {
  if (isInstrumentIssueKey(i.message)) return { key: i.message, params: {} };
  switch (i.code) {
    case "invalid_type": {
      if (i.received === "undefined") return { key: "instrument.schema.required", params: {} };
      const byType: Record<string, InstrumentIssueKey> = {
        string: "instrument.schema.expectedText",
        number: "instrument.schema.expectedNumber",
        integer: "instrument.schema.expectedNumber",
        float: "instrument.schema.expectedNumber",
        boolean: "instrument.schema.expectedBoolean",
        array: "instrument.schema.expectedList",
        object: "instrument.schema.expectedMapping",
      };
      const key = byType[i.expected];
      return key ? { key, params: {} } : { key: "instrument.schema.wrongType", params: { expected: i.expected } };
    }
    case "not_finite":
      return { key: "instrument.schema.expectedNumber", params: {} };
    case "invalid_literal":
      return { key: "instrument.schema.literal", params: { expected: String(i.expected) } };
    case "invalid_enum_value":
      return { key: "instrument.schema.enum", params: { value: String(i.received), options: i.options.map(String) } };
    case "invalid_union_discriminator":
      return { key: "instrument.schema.discriminator", params: { options: i.options.map(String) } };
    case "unrecognized_keys":
      return { key: "instrument.schema.unknownKeys", params: { keys: i.keys } };
    case "too_small":
      if (i.type === "string") return { key: "instrument.schema.empty", params: {} };
      if (i.type === "array" || i.type === "set") return { key: "instrument.schema.tooFewEntries", params: { minimum: Number(i.minimum) } };
      return { key: i.inclusive ? "instrument.schema.atLeast" : "instrument.schema.above", params: { minimum: Number(i.minimum) } };
    case "too_big":
      if (i.type === "string" || i.type === "array" || i.type === "set") {
        return { key: "instrument.schema.tooManyEntries", params: { maximum: Number(i.maximum) } };
      }
      return { key: i.inclusive ? "instrument.schema.atMost" : "instrument.schema.below", params: { maximum: Number(i.maximum) } };
    case "invalid_string":
      return { key: "instrument.schema.pattern", params: {} };
    default:
      return { key: "instrument.schema.invalid", params: {} };
  }
}

/**
 * A Zod issue as an instrument issue: located by the nearest `id` along its path, so the message names
 * the LKE row and the field below it ("<item id>", field "formula.kind") rather than an array index
 * path nobody can map to the file. Issues above any id are located at `root` (the file name).
 */
export function schemaIssue(raw: unknown, i: ZodIssue, root: string): InstrumentIssue {
  let node: unknown = raw;
  let at = root;
  let rest: Array<string | number> = [...i.path];
  const consumed: Array<string | number> = [];
  for (const key of i.path) {
    if (node === null || typeof node !== "object") break;
    node = (node as Record<string | number, unknown>)[key];
    consumed.push(key);
    const id = node !== null && typeof node === "object" ? (node as { id?: unknown }).id : undefined;
    if (typeof id === "string") {
      at = id;
      rest = i.path.slice(consumed.length);
    }
  }
  const { key, params } = schemaKey(i);
  return issue(at, key, { field: rest.length > 0 ? rest.join(".") : at, ...params });
}

/**
 * Parses and validates an instrument file (YAML text). Pure: the caller reads the file.
 * Rejects, naming the row: unparsable YAML (with its line), schema violations, weights whose subtree
 * sums differ from the parent weight by more than 1e-9, duplicate or malformed ids (README §2), option
 * values outside [0, 1], and formulas naming undeclared inputs.
 * @throws InstrumentError
 */
export function parseInstrument(text: string, sourceName: string): Instrument {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new InstrumentError(sourceName, [yamlIssue(e, sourceName)]);
  }
  const parsed = InstrumentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InstrumentError(
      sourceName,
      parsed.error.issues.map((i) => schemaIssue(raw, i, sourceName)),
    );
  }
  const issues = validateInstrument(parsed.data);
  if (issues.length > 0) throw new InstrumentError(sourceName, issues);
  return parsed.data;
}
