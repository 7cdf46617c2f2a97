import { parse as parseYaml } from "yaml";
import type { ZodIssue } from "zod";
import {
  COMPUTED_ROLES,
  GRADES,
  RenaksiFileSchema,
  type ComputedNode,
  type LkeNode,
  type LkeRenaksiContent,
  type RbGeneralContent,
  type RenaksiContent,
  type RenaksiFile,
  type TematikContent,
} from "./schema";

/*
 * Parses and validates a rencana aksi content file (content/renaksi/*.yaml), like
 * app/domain/instrument/parse.ts does for instruments. Pure: the caller reads the file. Messages are
 * English for whoever edits the content (the files are not edited in the app).
 */

export interface RenaksiContentIssue {
  /** The code or id nearest to the problem, or the file name. */
  at: string;
  message: string;
}

export class RenaksiContentError extends Error {
  override readonly name = "RenaksiContentError";
  constructor(
    readonly sourceName: string,
    readonly issues: RenaksiContentIssue[],
  ) {
    super(`${sourceName}: invalid rencana aksi content\n${issues.map((i) => `  - ${i.at}: ${i.message}`).join("\n")}`);
  }
}

/** A Zod issue located by the nearest `code` (or `id`) along its path. */
function schemaIssue(raw: unknown, i: ZodIssue, root: string): RenaksiContentIssue {
  let node: unknown = raw;
  let at = root;
  let rest: Array<string | number> = [...i.path];
  const consumed: Array<string | number> = [];
  for (const key of i.path) {
    if (node === null || typeof node !== "object") break;
    node = (node as Record<string | number, unknown>)[key];
    consumed.push(key);
    const named =
      node !== null && typeof node === "object"
        ? ((node as { code?: unknown; id?: unknown }).code ?? (node as { id?: unknown }).id)
        : undefined;
    if (typeof named === "string") {
      at = named;
      rest = i.path.slice(consumed.length);
    }
  }
  return { at, message: rest.length > 0 ? `${rest.join(".")}: ${i.message}` : i.message };
}

function duplicates(codes: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const c of codes) (seen.has(c) ? dup : seen).add(c);
  return [...dup];
}

function checkGeneral(c: RbGeneralContent): RenaksiContentIssue[] {
  const issues: RenaksiContentIssue[] = [];
  for (const d of duplicates(c.kegiatan_utama.map((k) => k.code))) issues.push({ at: d, message: "duplicate kegiatan utama code" });
  for (const d of duplicates(c.indicators.map((k) => k.code))) issues.push({ at: d, message: "duplicate indicator code" });
  for (const k of c.kegiatan_utama) {
    if (k.code !== `KU${String(k.number).padStart(2, "0")}`) issues.push({ at: k.code, message: `code does not match number ${k.number}` });
  }
  const ku = new Set(c.kegiatan_utama.map((k) => k.code));
  for (const i of c.indicators) {
    if (!ku.has(i.kegiatan_utama)) issues.push({ at: i.code, message: `unknown kegiatan utama ${i.kegiatan_utama}` });
    if (duplicates(i.kinds).length > 0) issues.push({ at: i.code, message: "an organisation kind is listed twice" });
  }
  for (const k of c.kegiatan_utama) {
    if (!c.indicators.some((i) => i.kegiatan_utama === k.code)) issues.push({ at: k.code, message: "kegiatan utama without indicators" });
  }
  return issues;
}

function checkLke(c: LkeRenaksiContent): RenaksiContentIssue[] {
  const issues: RenaksiContentIssue[] = [];
  const codes: string[] = [];
  const roles: string[] = [];
  const walk = (n: LkeNode): void => {
    codes.push(n.code);
    if (n.answer !== "computed") return;
    const node: ComputedNode = n;
    if (node.role) roles.push(node.role);
    if (node.range.min > node.range.max) issues.push({ at: node.code, message: "range min above max" });
    node.children.forEach(walk);
  };
  walk(c.root);
  for (const d of duplicates(codes)) issues.push({ at: d, message: "duplicate node code" });
  for (const role of COMPUTED_ROLES) {
    const n = roles.filter((r) => r === role).length;
    if (n !== 1) issues.push({ at: c.id, message: `role ${role} must be on exactly one computed node (found ${n})` });
  }
  if (c.root.role !== "strategi") issues.push({ at: c.root.code, message: "the root must carry role strategi" });
  const values = [...Object.values(c.conversion.grade), ...Object.values(c.conversion.yes_no), c.conversion.missing];
  if (values.some((v) => v < 0 || v > 1)) issues.push({ at: "conversion", message: "conversion values must lie in [0, 1]" });
  const bandGrades = c.bands.map((b) => b.grade);
  if (bandGrades.join() !== GRADES.join()) issues.push({ at: "bands", message: `bands must list ${GRADES.join(", ")} in that order` });
  for (let k = 1; k < c.bands.length; k++) {
    if (!(c.bands[k]!.from < c.bands[k - 1]!.from)) issues.push({ at: "bands", message: "band lower bounds must fall strictly" });
  }
  if (c.bands.at(-1)?.from !== 0) issues.push({ at: "bands", message: "the last band must start at 0" });
  return issues;
}

function checkTematik(c: TematikContent): RenaksiContentIssue[] {
  const issues: RenaksiContentIssue[] = [];
  for (const d of duplicates(c.themes.map((t) => t.code))) issues.push({ at: d, message: "duplicate theme code" });
  for (const d of duplicates(c.fokus_intervensi.map((t) => t.code))) issues.push({ at: d, message: "duplicate fokus intervensi code" });
  return issues;
}

/**
 * Parses one content file (YAML text).
 * @throws RenaksiContentError naming the code of each problem: unparsable YAML, schema violations,
 *   duplicate or dangling codes, a missing role, conversion values outside [0, 1], unordered bands.
 */
export function parseRenaksiFile(text: string, sourceName: string): RenaksiFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new RenaksiContentError(sourceName, [{ at: sourceName, message: e instanceof Error ? e.message : "unreadable YAML" }]);
  }
  const parsed = RenaksiFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RenaksiContentError(
      sourceName,
      parsed.error.issues.map((i) => schemaIssue(raw, i, sourceName)),
    );
  }
  const c = parsed.data;
  const issues = c.kind === "rb_general" ? checkGeneral(c) : c.kind === "lke_renaksi" ? checkLke(c) : checkTematik(c);
  if (issues.length > 0) throw new RenaksiContentError(sourceName, issues);
  return c;
}

/**
 * The content for cycle `year` out of parsed files: for each kind, the file of that year, else the
 * latest earlier one (then `carriedForward` is true: e.g. 2025 runs on the 2024 criteria, §1.4, while
 * its themes are a gap, §3.1). Null when some kind has no file of `year` or before.
 */
export function renaksiContentForYear(files: readonly RenaksiFile[], year: number): RenaksiContent | null {
  const pick = <K extends RenaksiFile["kind"]>(kind: K): Extract<RenaksiFile, { kind: K }> | null => {
    const fitting = files.filter((f): f is Extract<RenaksiFile, { kind: K }> => f.kind === kind && f.year <= year);
    return fitting.sort((a, b) => b.year - a.year)[0] ?? null;
  };
  const general = pick("rb_general");
  const lke = pick("lke_renaksi");
  const tematik = pick("tematik");
  if (!general || !lke || !tematik) return null;
  const carriedForward = general.year !== year || lke.year !== year || tematik.year !== year;
  return { year, general, lke, tematik, carriedForward };
}
