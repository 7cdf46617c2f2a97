import { readFile } from "node:fs/promises";
import { AbcdValuesSchema, ZiAreaMinScopeSchema, type Instrument, type Settings } from "~/domain/instrument/schema";
import { AnswerError, AnswersSchema, type Answers } from "~/domain/scoring/answers";
import { fmtId } from "~/domain/scoring/format";
import { scoreAssessment } from "~/domain/scoring/score";
import type { CriterionResult, ScoreContext, ScoreResult } from "~/domain/scoring/types";
import { readInstrumentFiles } from "~/services/instruments/catalog.server";
import type { CliIo } from "./io";

const USAGE =
  "usage: cermin score <instrument-id> <answers.json> [--json] [--setting abcd_values=exact_thirds|zi_area_min_scope=per_half] [--context name=value] [--dir DIR]";

/** Exit codes: 1 usage, unknown instrument or unreadable file; 2 malformed or invalid answers. */
const EXIT_USAGE = 1;
const EXIT_ANSWERS = 2;

interface Parsed {
  instrumentId: string;
  file: string;
  json: boolean;
  dir?: string;
  settings: Partial<Settings>;
  context: ScoreContext;
}

function parseArgs(args: string[]): Parsed | string {
  const positional: string[] = [];
  const out: Omit<Parsed, "instrumentId" | "file"> = { json: false, settings: {}, context: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--json") out.json = true;
    else if (a === "--dir" || a === "--setting" || a === "--context") {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      if (a === "--dir") out.dir = v;
      else {
        const [k, val = ""] = v.split("=", 2);
        if (a === "--setting") {
          if (k === "abcd_values" && AbcdValuesSchema.safeParse(val).success) out.settings.abcd_values = val as Settings["abcd_values"];
          else if (k === "zi_area_min_scope" && ZiAreaMinScopeSchema.safeParse(val).success)
            out.settings.zi_area_min_scope = val as Settings["zi_area_min_scope"];
          else return `unknown setting "${v}"`;
        } else if (k) {
          // Context facts are booleans (holds_wbk=true) or numbers (kawasan_integration_score=7).
          const n = Number(val);
          if (val === "true" || val === "false") out.context[k] = val === "true";
          else if (val !== "" && Number.isFinite(n)) out.context[k] = n;
          else return `context "${v}" needs true, false or a number`;
        }
      }
    } else if (a.startsWith("--")) return `unknown option ${a}`;
    else positional.push(a);
  }
  const [instrumentId, file] = positional;
  if (!instrumentId || !file || positional.length > 2) return "expected <instrument-id> <answers.json>";
  return { instrumentId, file, ...out };
}

/** The JSON form (issue #3): unrounded values, node ids as keys, `zi` only for instruments with WBK/WBBM rules. */
export function scoreJson(result: ScoreResult): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  for (const [id, n] of Object.entries(result.nodes)) {
    nodes[id] = {
      level: n.level,
      label: n.label,
      value: n.value,
      max: n.max,
      percent: n.percent,
      answered: n.answered,
      items: n.items,
      trace: n.trace,
    };
  }
  return {
    instrument: result.instrument,
    version: result.version,
    engineVersion: result.engineVersion,
    settings: result.settings,
    total: result.total,
    max: result.max,
    predicate: result.predicate,
    nodes,
    warnings: result.warnings,
    ...(result.zi ? { zi: result.zi } : {}),
    ...(result.index ? { index: result.index } : {}),
  };
}

const pad = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s + " ".repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s);

function criterionLine(c: CriterionResult): string {
  const mark = { pass: "✓", fail: "✗", unknown: "?", not_applicable: "–" }[c.status];
  const show = (v: number | boolean | null) =>
    v === null ? "tidak ada data" : typeof v === "boolean" ? (v ? "ya" : "tidak") : c.unit === "percent" ? `${fmtId(v)}%` : fmtId(v);
  const note = c.status === "not_applicable" ? " (tidak berlaku)" : "";
  return `  ${mark} ${c.label}: ${show(c.actual)} (syarat ${typeof c.required === "boolean" ? "ya" : `≥ ${show(c.required)}`})${note}`;
}

/** The readable report: components, subcomponents, areas and sub-areas with 2-dp Indonesian numbers. */
export function scoreTable(instrument: Instrument, result: ScoreResult): string {
  const lines: string[] = [];
  lines.push(`${instrument.title}`);
  lines.push(
    `${instrument.id} ${instrument.version} · mesin ${result.engineVersion} · abcd_values=${result.settings.abcd_values}, zi_area_min_scope=${result.settings.zi_area_min_scope}`,
  );
  lines.push("");
  lines.push(`${pad("Id", 12)} ${pad("Uraian", 58)} ${lpad("Nilai", 7)} ${lpad("Bobot", 7)} ${lpad("%", 7)} ${lpad("Terjawab", 9)}`);
  const depth: Record<string, number> = { component: 0, subcomponent: 1, area: 2, subarea: 3 };
  for (const n of Object.values(result.nodes)) {
    if (n.level === "item" || n.level === "total") continue;
    const d = depth[n.level] ?? 0;
    const label = " ".repeat(d * 2) + n.label;
    lines.push(
      `${pad(n.id, 12)} ${pad(label, 58)} ${lpad(fmtId(n.value), 7)} ${lpad(fmtId(n.max), 7)} ${lpad(fmtId(n.percent), 7)} ${lpad(`${n.answered}/${n.items}`, 9)}`,
    );
  }
  const t = result.nodes.total;
  lines.push(
    `${pad("TOTAL", 12)} ${pad("", 58)} ${lpad(fmtId(result.total), 7)} ${lpad(fmtId(result.max), 7)} ${lpad(fmtId(t?.percent ?? 0), 7)} ${lpad(`${t?.answered ?? 0}/${t?.items ?? 0}`, 9)}`,
  );
  lines.push("");
  const ix = result.index;
  if (ix) {
    // Indeks RB (RB 2023): the renormalised RB General plus what is added on top, every part shown.
    const koef = ix.adjustment ? ` + ${ix.adjustment.label.toLowerCase()} ${fmtId(ix.adjustment.value)}` : "";
    lines.push(
      `${ix.general.label} disesuaikan: (${fmtId(ix.general.value)}${koef}) / ${fmtId(ix.general.applicable)} × ${fmtId(ix.general.scaleTo)} = ${fmtId(ix.general.adjusted)}`,
    );
    if (ix.notApplicable.length > 0)
      lines.push(
        `  tidak berlaku: ${ix.notApplicable.join(", ")} (bobot yang berlaku ${fmtId(ix.general.applicable)} dari ${fmtId(ix.general.max)})`,
      );
    lines.push(
      `${ix.label} = ${[fmtId(ix.general.adjusted), ...ix.added.map((a) => `${a.label} ${fmtId(a.value)}`)].join(" + ")} = ${fmtId(ix.value)}`,
    );
  }
  if (instrument.evaluation.predicate_bands.length > 0) {
    lines.push(
      `Predikat Indeks RB: ${result.predicate ? `${result.predicate.code} (${result.predicate.label})` : "tidak ada (nilai di luar rentang predikat)"}`,
    );
  }
  for (const v of Object.values(result.zi ?? {})) {
    const verdict = v.pass ? "MEMENUHI" : v.scorePass && v.pending.length > 0 ? "NILAI MEMENUHI, menunggu data" : "BELUM MEMENUHI";
    lines.push(`${v.label}: ${verdict}`);
    for (const c of v.criteria) lines.push(criterionLine(c));
    if (v.pending.length > 0) lines.push(`  (data konteks belum diisi: ${v.pending.join(", ")}; isi dengan --context nama=nilai)`);
  }
  if (result.warnings.length > 0) {
    lines.push("", "Peringatan:");
    for (const w of result.warnings) lines.push(`  - ${w.itemId}: ${w.message}`);
  }
  return lines.join("\n");
}

/**
 * `cermin score <instrument-id> <answers.json> [--json]`: scores an answers file (object keyed by
 * item id) and prints the table with predicate / WBK-WBBM verdicts, or the full result as JSON.
 */
export async function scoreCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    io.err(`${parsed}\n${USAGE}`);
    return EXIT_USAGE;
  }

  let files;
  try {
    files = readInstrumentFiles(parsed.dir);
  } catch (e) {
    io.err(`cannot read the instrument directory: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_USAGE;
  }
  const found = files.find((f) => (f.ok ? f.instrument.id : "") === parsed.instrumentId);
  if (!found || !found.ok) {
    const broken = files.find((f) => !f.ok && f.file.replace(/\\/g, "/").endsWith(`/${parsed.instrumentId}.yaml`));
    if (broken && !broken.ok) io.err(broken.error.message);
    else {
      const known = files.flatMap((f) => (f.ok ? [f.instrument.id] : []));
      io.err(`unknown instrument "${parsed.instrumentId}" (available: ${known.join(", ") || "none"})`);
    }
    return EXIT_USAGE;
  }

  let text: string;
  try {
    text = await readFile(parsed.file, "utf8");
  } catch (e) {
    io.err(`cannot read answers file ${parsed.file}: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_USAGE;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    io.err(`answers file ${parsed.file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_ANSWERS;
  }
  const answers = AnswersSchema.safeParse(raw);
  if (!answers.success) {
    const lines = answers.error.issues.map((i) => {
      const item = i.path[0];
      return item === undefined
        ? `  - the file must be a JSON object keyed by item id`
        : `  - ${String(item)}: expected "Ya"/"Tidak", a letter, a number, an object of whole-number counts, or null`;
    });
    io.err(`invalid answers in ${parsed.file}:\n${[...new Set(lines)].join("\n")}`);
    return EXIT_ANSWERS;
  }

  let result: ScoreResult;
  try {
    result = scoreAssessment(found.instrument, answers.data as Answers, { settings: parsed.settings, context: parsed.context });
  } catch (e) {
    if (e instanceof AnswerError) {
      io.err(
        `invalid answers in ${parsed.file}:\n${e.issues.map((i) => `  - ${i.itemId}: ${i.message} (expected ${i.expected})`).join("\n")}`,
      );
      return EXIT_ANSWERS;
    }
    throw e;
  }
  io.out(parsed.json ? JSON.stringify(scoreJson(result), null, 2) : scoreTable(found.instrument, result));
  return 0;
}
