/*
 * The Rencana Aksi as an Excel workbook (issue #29, spec rb-2024 §2.2, §3.2): export in the portal's
 * template shape, import with a preview first (per row what is added, changed or cleared; nothing
 * written) and an apply that writes everything in one transaction, audited once ("renaksi.import"),
 * with the plan's version bumped and A101/A102 re-scored once. Layout: excel-shape.ts.
 *
 * Rules of the import:
 * - Row identity. "Rencana Aksi": (kode_indikator, rencana_aksi, indikator_output); "RB Tematik": the
 *   output by (tema, permasalahan, rencana_aksi, indikator_output), and the cells of the row that name
 *   a sasaran, an indikator road map or an indikator permasalahan identify those nodes by name under
 *   their parent (Cermin keeps the road map branch and the problem branch apart; a row carries one of
 *   each). The same identity twice is the next output with that identity (the n-th row ↔ the n-th
 *   output, in the plan's order), so a plan with repeated names survives a round trip.
 * - Changing an identity cell (an action's text, an output's indicator) adds a new row; nothing is
 *   ever deleted by an import: rows missing from the workbook stay as they are.
 * - A blank cell over a stored value clears it: applied only with `confirmClear`.
 * - Any error (unknown indicator code or theme, a non-number or negative number, a required cell
 *   left blank, a closed window for the column changed, conflicting values for one node) names the
 *   sheet and cell, and nothing is written.
 * - Planning columns need the plan window open, realisation columns the monitoring window.
 * - RB Tematik keeps the budget realisation as one total (realisasi_anggaran, as the portal does):
 *   Cermin shows the sum of the quarters; a changed total is booked in TW4 and the other quarters emptied.
 */
import { createHash } from "node:crypto";
import ExcelJS from "exceljs";
import type { Db } from "#db/client.server";
import type { RenaksiOutput, TematikNode, TematikNodeKind } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { indicatorAchievement } from "~/domain/renaksi/achievement";
import type { RenaksiContent } from "~/domain/renaksi/schema";
import type { MessageKey } from "~/i18n";
import type { MessageParams } from "~/i18n/keyed";
import { writeAudit } from "~/services/admin/audit.server";
import { cellValue, lastValueRow, LkeError } from "~/services/excel/sheet.server";
import { stripPadding } from "~/services/excel/strip-padding.server";
import { vetXlsx } from "~/services/excel/xlsx-scan.server";
import { todayWib } from "~/services/workbench/rules";
import { newId } from "~/utils/ids";
import { requirePlan, windowOpen, type PlanContext } from "./access.server";
import { renaksiContentFor } from "./content.server";
import {
  cellRef,
  FIRST_DATA_ROW,
  GENERAL_COLUMNS,
  GENERAL_SHEET,
  MAX_PLAN_ROWS,
  MAX_PLAN_WORKBOOK_BYTES,
  META_SHEET,
  parseNumberCell,
  parseTextCell,
  RENAKSI_WORKBOOK_FORMAT,
  sameNumber,
  sumOrNull,
  TEMATIK_COLUMNS,
  TEMATIK_SHEET,
  colLetter,
  type CellRaw,
  type Column,
} from "./excel-shape";
import { quarters, type Quarter4 } from "./quarters";
import { rescorePlan } from "./rescore.server";

// ── Types ─────────────────────────────────────────────────────────────────────────────────────

/** A problem of the workbook: where (sheet and cell; null for the whole file) and why, as a message key. */
export interface PlanExcelIssue {
  sheet: string | null;
  cell: string | null;
  key: MessageKey;
  params: MessageParams;
}

export type ImportEntity = "action" | "output" | TematikNodeKind;
type Value = string | number | null;

export interface FieldChange {
  column: string;
  cell: string;
  before: Value;
  after: Value;
  /** A blank cell over a stored value. */
  clears: boolean;
}

export interface RowChange {
  sheet: string;
  row: number;
  op: "add" | "change";
  entity: ImportEntity;
  name: string;
  fields: FieldChange[];
}

export interface PlanImportPreview {
  sha256: string;
  /** The plan's version the preview was computed against (apply refuses when it moved on). */
  planVersion: number;
  changes: RowChange[];
  errors: PlanExcelIssue[];
  counts: { added: number; changed: number; cleared: number };
}

export interface PlanImportResult {
  added: number;
  changed: number;
  cleared: number;
}

export class RenaksiExcelError extends Error {
  constructor(
    readonly key: "renaksiExcel.stale" | "renaksiExcel.clearNeedsConfirm" | "renaksiExcel.hasErrors" | "renaksiExcel.tooLarge",
    readonly params: Record<string, string | number> = {},
    readonly issues: PlanExcelIssue[] = [],
  ) {
    super(key);
  }
}

// ── Export ────────────────────────────────────────────────────────────────────────────────────

interface PlanRows {
  targets: { id: string; indicator_code: string; position: number }[];
  actions: { id: string; target_id: string | null; tematik_node_id: string | null; text: string; position: number }[];
  outputs: RenaksiOutput[];
  nodes: TematikNode[];
}

async function loadRows(db: Db, planId: string): Promise<PlanRows> {
  const [targets, actions, outputs, nodes] = await Promise.all([
    db.selectFrom("renaksi_target").select(["id", "indicator_code", "position"]).where("plan_id", "=", planId).orderBy("position").orderBy("id").execute(),
    db.selectFrom("renaksi_action").select(["id", "target_id", "tematik_node_id", "text", "position"]).where("plan_id", "=", planId).orderBy("position").orderBy("id").execute(),
    db.selectFrom("renaksi_output").selectAll().where("plan_id", "=", planId).orderBy("position").orderBy("id").execute(),
    db.selectFrom("tematik_node").selectAll().where("plan_id", "=", planId).orderBy("position").orderBy("id").execute(),
  ]);
  return { targets, actions, outputs, nodes };
}

const outputsOf = (rows: PlanRows, actionId: string) => rows.outputs.filter((o) => o.action_id === actionId);

type RowValues = Record<string, Value>;

function outputCells(o: RenaksiOutput | null): RowValues {
  if (!o) return {};
  const t = quarters(o.target_tw_json);
  const r = quarters(o.realisation_tw_json);
  const b = quarters(o.budget_realisation_tw_json);
  const v: RowValues = { indikator_output: o.indicator, satuan_output: o.unit, target_total: sumOrNull(t), koordinator: o.coordinator, pelaksana: o.implementer };
  for (let q = 0; q < 4; q++) {
    v[`target_tw${q + 1}`] = t[q]!;
    v[`realisasi_tw${q + 1}`] = r[q]!;
    v[`realisasi_anggaran_tw${q + 1}`] = b[q]!;
  }
  return v;
}

function generalRows(rows: PlanRows, content: RenaksiContent | null): RowValues[] {
  const names = new Map((content?.general.indicators ?? []).map((i) => [i.code, i.name]));
  const out: RowValues[] = [];
  for (const t of rows.targets) {
    const head = { kode_indikator: t.indicator_code, indikator: names.get(t.indicator_code) ?? t.indicator_code };
    const actions = rows.actions.filter((a) => a.target_id === t.id);
    if (actions.length === 0) out.push(head);
    for (const a of actions) {
      const outputs = outputsOf(rows, a.id);
      if (outputs.length === 0) out.push({ ...head, rencana_aksi: a.text });
      for (const o of outputs) out.push({ ...head, rencana_aksi: a.text, ...outputCells(o), anggaran_total: o.budget_total, catatan: o.note });
    }
  }
  return out;
}

function tematikRows(rows: PlanRows, content: RenaksiContent | null): RowValues[] {
  const themes = content?.tematik.themes ?? [];
  const focusName = new Map((content?.tematik.fokus_intervensi ?? []).map((f) => [f.code, f.name]));
  const out: RowValues[] = [];
  const codes = [...themes.map((t) => t.code), ...new Set(rows.nodes.map((n) => n.theme).filter((c) => !themes.some((t) => t.code === c)))];
  for (const code of codes) {
    const nodes = rows.nodes.filter((n) => n.theme === code);
    if (nodes.length === 0) continue;
    const children = (id: string, kind: TematikNodeKind) => nodes.filter((n) => n.parent_id === id && n.kind === kind);
    // The road map branch: one entry per indikator road map (a sasaran without one: the sasaran alone).
    const roadmap: RowValues[] = [];
    for (const s of nodes.filter((n) => n.kind === "sasaran")) {
      const inds = children(s.id, "indikator_roadmap");
      if (inds.length === 0) roadmap.push({ sasaran: s.name });
      for (const i of inds) {
        roadmap.push({ sasaran: s.name, indikator_roadmap: i.name, target: i.target, satuan_target: i.unit, realisasi: i.realisasi, capaian: indicatorAchievement(i.target, i.realisasi), catatan: i.note });
      }
    }
    // The problem branch: per permasalahan, its indicators beside its outputs, as many rows as the longer list.
    const problems: RowValues[] = [];
    for (const p of nodes.filter((n) => n.kind === "permasalahan")) {
      const head = { permasalahan: p.name, sasaran_permasalahan: p.goal };
      const inds = children(p.id, "indikator_permasalahan").map((i) => ({
        indikator_permasalahan: i.name,
        target_indikator_permasalahan: i.target,
        satuan_target_indikator_permasalahan: i.unit,
        realisasi_indikator_permasalahan: i.realisasi,
        capaian_indikator_permasalahan: indicatorAchievement(i.target, i.realisasi),
        catatan_indikator_permasalahan: i.note,
      }));
      const outs: RowValues[] = [];
      for (const a of rows.actions.filter((x) => x.tematik_node_id === p.id)) {
        const outputs = outputsOf(rows, a.id);
        if (outputs.length === 0) outs.push({ rencana_aksi: a.text });
        for (const o of outputs) {
          const b = quarters(o.budget_realisation_tw_json);
          const r = quarters(o.realisation_tw_json);
          const { realisasi_anggaran_tw1: _1, realisasi_anggaran_tw2: _2, realisasi_anggaran_tw3: _3, realisasi_anggaran_tw4: _4, ...cells } = outputCells(o);
          outs.push({
            rencana_aksi: a.text,
            ...cells,
            anggaran: o.budget_total,
            fokus_intervensi: o.focus ? (focusName.get(o.focus) ?? o.focus) : null,
            realisasi_total: sumOrNull(r),
            realisasi_anggaran: sumOrNull(b),
            catatan_monev: o.note,
          });
        }
      }
      const n = Math.max(1, inds.length, outs.length);
      for (let k = 0; k < n; k++) problems.push({ ...head, ...(inds[k] ?? {}), ...(outs[k] ?? {}) });
    }
    const theme = themes.find((t) => t.code === code)?.name ?? code;
    for (let k = 0; k < Math.max(roadmap.length, problems.length); k++) out.push({ tema: theme, ...(roadmap[k] ?? {}), ...(problems[k] ?? {}) });
  }
  return out;
}

function writeSheet(wb: ExcelJS.Workbook, name: string, columns: Column[], rows: RowValues[]): void {
  const ws = wb.addWorksheet(name, { views: [{ state: "frozen", ySplit: 2 }] });
  ws.columns = columns.map((c) => ({ key: c.key, width: c.kind === "text" ? Math.min(40, Math.max(14, c.key.length + 2)) : Math.max(12, c.key.length + 2) }));
  ws.addRow(columns.map((c) => c.key)).font = { bold: true };
  const labels = ws.addRow(columns.map((c) => c.label));
  labels.font = { italic: true, color: { argb: "FF555555" } };
  for (const r of rows) ws.addRow(columns.map((c) => r[c.key] ?? null));
  columns.forEach((c, i) => {
    if (c.kind !== "text") ws.getColumn(i + 1).numFmt = "#,##0.##";
  });
}

/** The plan as a workbook: "Rencana Aksi" (RB General), "RB Tematik", and the hidden "Cermin" sheet naming the plan. */
export async function exportPlanWorkbook(db: Db, actor: Actor, planId: string): Promise<Buffer> {
  const ctx = await requirePlan(db, actor, planId, "read");
  const content = renaksiContentFor(ctx.plan.year);
  const rows = await loadRows(db, planId);
  const wb = new ExcelJS.Workbook();
  wb.creator = "Cermin";
  writeSheet(wb, GENERAL_SHEET, GENERAL_COLUMNS, generalRows(rows, content));
  writeSheet(wb, TEMATIK_SHEET, TEMATIK_COLUMNS, tematikRows(rows, content));
  const meta = wb.addWorksheet(META_SHEET, { state: "hidden" });
  for (const [k, v] of [
    ["format", RENAKSI_WORKBOOK_FORMAT],
    ["plan", ctx.plan.id],
    ["organisation", ctx.organisation.name],
    ["year", ctx.plan.year],
    ["plan_version", ctx.plan.version],
    ["exported_at", new Date().toISOString()],
  ] as const)
    meta.addRow([k, v]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** "rencana-aksi-<organisation>-<year>.xlsx", the organisation's name as a slug. */
export function planWorkbookFileName(ctx: Pick<PlanContext, "organisation" | "plan">): string {
  const slug =
    ctx.organisation.name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "instansi";
  return `rencana-aksi-${slug}-${ctx.plan.year}.xlsx`;
}

// ── Reading ───────────────────────────────────────────────────────────────────────────────────

interface SheetRow {
  row: number;
  raw: Record<string, CellRaw>;
}

interface ReadBook {
  general: SheetRow[] | null;
  tematik: SheetRow[] | null;
  errors: PlanExcelIssue[];
}

const issue = (sheet: string | null, cell: string | null, key: MessageKey, params: MessageParams = {}): PlanExcelIssue => ({ sheet, cell, key, params });

function readSheet(ws: ExcelJS.Worksheet, columns: Column[], errors: PlanExcelIssue[]): SheetRow[] | null {
  const header = ws.getRow(1);
  for (const [i, c] of columns.entries()) {
    const found = String(cellValue(header.getCell(i + 1)) ?? "").trim();
    if (found.toLowerCase() !== c.key) {
      errors.push(issue(ws.name, `${colLetter(i + 1)}1`, "renaksiExcel.issue.header", { column: colLetter(i + 1), expected: c.key, found }));
      return null;
    }
  }
  const last = lastValueRow(ws);
  if (last - FIRST_DATA_ROW + 1 > MAX_PLAN_ROWS) {
    errors.push(issue(ws.name, null, "renaksiExcel.issue.tooManyRows", { max: MAX_PLAN_ROWS }));
    return null;
  }
  const rows: SheetRow[] = [];
  for (let r = 2; r <= last; r++) {
    const row = ws.getRow(r);
    if (r === 2 && String(cellValue(row.getCell(1)) ?? "").trim() === columns[0]!.label) continue;
    const raw: Record<string, CellRaw> = {};
    let any = false;
    for (const [i, c] of columns.entries()) {
      const v = cellValue(row.getCell(i + 1));
      raw[c.key] = v;
      if (c.kind !== "derived" && v !== null && String(v).trim() !== "") any = true;
    }
    if (any) rows.push({ row: r, raw });
  }
  return rows;
}

async function readBook(bytes: Uint8Array, fileName: string, planId: string): Promise<ReadBook> {
  const errors: PlanExcelIssue[] = [];
  const empty = (e: PlanExcelIssue[]): ReadBook => ({ general: null, tematik: null, errors: e });
  if (bytes.length > MAX_PLAN_WORKBOOK_BYTES) throw new RenaksiExcelError("renaksiExcel.tooLarge", { kb: MAX_PLAN_WORKBOOK_BYTES / 1024 });
  const wb = new ExcelJS.Workbook();
  try {
    const scan = await vetXlsx(bytes, fileName, { entryBytes: 16 * 1024 * 1024, totalBytes: 32 * 1024 * 1024, entries: 500, rows: MAX_PLAN_ROWS * 3, cells: 400_000 });
    const clean = await stripPadding(bytes, scan.sheets);
    await wb.xlsx.load(Buffer.from(clean.buffer, clean.byteOffset, clean.byteLength) as unknown as ArrayBuffer);
  } catch (e) {
    if (e instanceof LkeError) return empty(e.issues.map((i) => issue(i.sheet, i.cell, i.key, i.params as MessageParams)));
    return empty([issue(null, null, "lke.issue.unreadable", { file: fileName, error: e instanceof Error ? e.message : String(e) })]);
  }
  const meta = wb.getWorksheet(META_SHEET);
  if (meta) {
    let plan: string | null = null;
    meta.eachRow((row) => {
      if (String(cellValue(row.getCell(1)) ?? "") === "plan") plan = String(cellValue(row.getCell(2)) ?? "").trim() || null;
    });
    if (plan && plan !== planId) return empty([issue(META_SHEET, null, "renaksiExcel.issue.otherPlan", { workbook: plan })]);
  }
  const g = wb.getWorksheet(GENERAL_SHEET);
  const t = wb.getWorksheet(TEMATIK_SHEET);
  if (!g && !t) return empty([issue(null, null, "renaksiExcel.issue.noSheet", { general: GENERAL_SHEET, tematik: TEMATIK_SHEET })]);
  return { general: g ? readSheet(g, GENERAL_COLUMNS, errors) : null, tematik: t ? readSheet(t, TEMATIK_COLUMNS, errors) : null, errors };
}

// ── Diff ──────────────────────────────────────────────────────────────────────────────────────

type Stage = "plan" | "monev";

interface OutputCols {
  indicator: string;
  unit: string;
  target_tw_json: string;
  budget_total: number | null;
  realisation_tw_json: string;
  budget_realisation_tw_json: string;
  implementer: string | null;
  coordinator: string | null;
  focus: string | null;
  note: string | null;
}
type NodeCols = Pick<TematikNode, "goal" | "target" | "unit" | "realisasi" | "note">;

type Op =
  | { t: "node"; id: string; theme: string; kind: TematikNodeKind; parentId: string | null; name: string; cols: NodeCols }
  | { t: "nodeUpdate"; id: string; cols: Partial<NodeCols> }
  | { t: "action"; id: string; targetId: string | null; nodeId: string | null; text: string }
  | { t: "output"; id: string; actionId: string; cols: OutputCols }
  | { t: "outputUpdate"; id: string; cols: Partial<OutputCols> };

interface Diff {
  changes: RowChange[];
  errors: PlanExcelIssue[];
  ops: Op[];
}

/** One row's cells read as typed values; problems go to the sheet's errors with their cell. */
class RowReader {
  constructor(
    private readonly sheet: string,
    private readonly columns: Column[],
    private readonly r: SheetRow,
    private readonly errors: PlanExcelIssue[],
  ) {}
  cell(key: string) {
    return cellRef(this.columns, key, this.r.row);
  }
  fail(key: string, msg: MessageKey, params: MessageParams = {}) {
    this.errors.push(issue(this.sheet, this.cell(key), msg, params));
  }
  text(key: string): string | null {
    const v = parseTextCell(this.r.raw[key] ?? null);
    const max = this.columns.find((c) => c.key === key)?.max ?? 4000;
    if (v !== null && v.length > max) {
      this.fail(key, "renaksiExcel.issue.tooLong", { column: key, max });
      return null;
    }
    return v;
  }
  num(key: string): number | null {
    const raw = this.r.raw[key] ?? null;
    const p = parseNumberCell(raw);
    if (p.ok) return p.value;
    this.fail(key, p.why === "negative" ? "renaksiExcel.issue.negative" : "renaksiExcel.issue.notANumber", { value: String(raw) });
    return null;
  }
  quarters(prefix: string): Quarter4 {
    return [1, 2, 3, 4].map((q) => this.num(`${prefix}_tw${q}`)) as Quarter4;
  }
  required(key: string) {
    this.fail(key, "renaksiExcel.issue.required", { column: key });
  }
}

/** What a field compares as: numbers by value, texts exactly. */
function same(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === "number" && typeof b === "number") return sameNumber(a, b);
  return a === b;
}

interface Field {
  column: string;
  stage: Stage;
  before: Value;
  after: Value;
}

class DiffBuilder {
  readonly changes: RowChange[] = [];
  readonly errors: PlanExcelIssue[] = [];
  readonly ops: Op[] = [];
  private readonly open: Record<Stage, boolean>;
  constructor(ctx: PlanContext) {
    const today = todayWib();
    this.open = { plan: windowOpen(ctx.plan.plan_open, ctx.plan.plan_close, today), monev: windowOpen(ctx.plan.monev_open, ctx.plan.monev_close, today) };
  }
  /** The changed fields (all given fields for an added row), the window of each checked; false when a window is closed. */
  record(rr: RowReader, sheet: string, row: number, op: "add" | "change", entity: ImportEntity, name: string, fields: Field[], identity: string): boolean {
    const changed = op === "add" ? fields.filter((f) => f.after !== null) : fields.filter((f) => !same(f.before, f.after));
    if (op === "change" && changed.length === 0) return false;
    let ok = true;
    if (op === "add" && !this.open.plan) {
      rr.fail(identity, "renaksiExcel.issue.planClosed");
      ok = false;
    }
    for (const f of changed) {
      if (!this.open[f.stage] && !(op === "add" && f.stage === "plan")) {
        rr.fail(f.column, f.stage === "plan" ? "renaksiExcel.issue.planClosed" : "renaksiExcel.issue.monevClosed");
        ok = false;
      }
    }
    this.changes.push({
      sheet,
      row,
      op,
      entity,
      name,
      fields: changed.map((f) => ({ column: f.column, cell: rr.cell(f.column), before: f.before, after: f.after, clears: f.before !== null && f.after === null })),
    });
    return ok;
  }
}

const key = (...parts: (string | null)[]) => parts.join("\u0000");

/** The output fields shared by both sheets, before (stored) and after (workbook). */
function outputFields(o: RenaksiOutput | null, after: { unit: string; targetTw: Quarter4; budget: number | null; implementer: string | null; coordinator: string | null; realTw: Quarter4; note: string | null }, cols: { budget: string; note: string }): Field[] {
  const t = o ? quarters(o.target_tw_json) : [null, null, null, null];
  const r = o ? quarters(o.realisation_tw_json) : [null, null, null, null];
  const f: Field[] = [{ column: "satuan_output", stage: "plan", before: o?.unit ?? null, after: after.unit }];
  for (let q = 0; q < 4; q++) f.push({ column: `target_tw${q + 1}`, stage: "plan", before: t[q]!, after: after.targetTw[q]! });
  f.push({ column: cols.budget, stage: "plan", before: o?.budget_total ?? null, after: after.budget });
  f.push({ column: "pelaksana", stage: "plan", before: o?.implementer ?? null, after: after.implementer });
  f.push({ column: "koordinator", stage: "plan", before: o?.coordinator ?? null, after: after.coordinator });
  for (let q = 0; q < 4; q++) f.push({ column: `realisasi_tw${q + 1}`, stage: "monev", before: r[q]!, after: after.realTw[q]! });
  f.push({ column: cols.note, stage: "monev", before: o?.note ?? null, after: after.note });
  return f;
}

async function diffPlan(db: Db, ctx: PlanContext, content: RenaksiContent | null, book: ReadBook): Promise<Diff> {
  const d = new DiffBuilder(ctx);
  d.errors.push(...book.errors);
  const rows = await loadRows(db, ctx.plan.id);
  const year = String(ctx.plan.year);

  // Outputs of actions grouped by the action's identity (parent + text), in the plan's order.
  const actionBy = new Map<string, string>();
  const outputsBy = new Map<string, RenaksiOutput[]>();
  for (const a of rows.actions) {
    const parent = a.target_id ?? a.tematik_node_id;
    const ak = key(parent, a.text);
    if (!actionBy.has(ak)) actionBy.set(ak, a.id);
    for (const o of outputsOf(rows, a.id)) {
      const ok = key(parent, a.text, o.indicator);
      outputsBy.set(ok, [...(outputsBy.get(ok) ?? []), o]);
    }
  }
  const seenOutputs = new Map<string, number>();

  /** The action of (parent, text): existing, added earlier in this import, or added now (needs an output indicator and unit). */
  const resolveAction = (rr: RowReader, sheet: string, row: number, parent: { targetId: string } | { nodeId: string }, text: string, hasOutput: boolean): string | null => {
    const parentId = "targetId" in parent ? parent.targetId : parent.nodeId;
    const ak = key(parentId, text);
    const found = actionBy.get(ak);
    if (found) return found;
    if (!hasOutput) {
      rr.fail("indikator_output", "renaksiExcel.issue.newActionNeedsOutput", { name: text });
      return null;
    }
    const id = newId();
    actionBy.set(ak, id);
    d.ops.push({ t: "action", id, targetId: "targetId" in parent ? parent.targetId : null, nodeId: "nodeId" in parent ? parent.nodeId : null, text });
    d.record(rr, sheet, row, "add", "action", text, [], "rencana_aksi");
    return id;
  };

  /** The output of (parent, action text, indicator), occurrence by occurrence: a change, an addition or nothing. */
  const diffOutput = (rr: RowReader, sheet: string, row: number, parentId: string, actionId: string, text: string, indicator: string, fields: Field[], cols: OutputCols) => {
    const ok = key(parentId, text, indicator);
    const n = seenOutputs.get(ok) ?? 0;
    seenOutputs.set(ok, n + 1);
    const existing = outputsBy.get(ok)?.[n] ?? null;
    if (existing) {
      if (d.record(rr, sheet, row, "change", "output", indicator, fields, "indikator_output")) {
        const { indicator: _i, ...rest } = cols;
        d.ops.push({ t: "outputUpdate", id: existing.id, cols: rest });
      }
    } else {
      d.record(rr, sheet, row, "add", "output", indicator, fields, "indikator_output");
      d.ops.push({ t: "output", id: newId(), actionId, cols });
    }
  };

  // RB General.
  const indicators = new Map((content?.general.indicators ?? []).map((i) => [i.code, i]));
  const targets = new Map(rows.targets.map((t) => [t.indicator_code, t]));
  for (const r of book.general ?? []) {
    const rr = new RowReader(GENERAL_SHEET, GENERAL_COLUMNS, r, d.errors);
    const before = d.errors.length;
    const code = rr.text("kode_indikator");
    const text = rr.text("rencana_aksi");
    const indicator = rr.text("indikator_output");
    const unit = rr.text("satuan_output");
    const targetTw = rr.quarters("target");
    const budget = rr.num("anggaran_total");
    const implementer = rr.text("pelaksana");
    const coordinator = rr.text("koordinator");
    const realTw = rr.quarters("realisasi");
    const budgetRealTw = rr.quarters("realisasi_anggaran");
    const note = rr.text("catatan");
    if (d.errors.length > before) continue;
    if (!code) {
      rr.required("kode_indikator");
      continue;
    }
    const target = targets.get(code.toUpperCase());
    if (!target) {
      rr.fail("kode_indikator", indicators.has(code.toUpperCase()) ? "renaksiExcel.issue.indicatorNotInPlan" : "renaksiExcel.issue.unknownIndicator", { code, year });
      continue;
    }
    const outputGiven = [unit, budget, implementer, coordinator, note, ...targetTw, ...realTw, ...budgetRealTw].some((v) => v !== null);
    if (!text) {
      if (indicator || outputGiven) rr.required("rencana_aksi");
      continue;
    }
    if (!indicator && outputGiven) {
      rr.required("indikator_output");
      continue;
    }
    if (indicator && !unit) {
      rr.required("satuan_output");
      continue;
    }
    const actionId = resolveAction(rr, GENERAL_SHEET, r.row, { targetId: target.id }, text, indicator !== null && unit !== null);
    if (!actionId || !indicator || !unit) continue;
    const existing = outputsBy.get(key(target.id, text, indicator))?.[seenOutputs.get(key(target.id, text, indicator)) ?? 0] ?? null;
    const b = existing ? quarters(existing.budget_realisation_tw_json) : [null, null, null, null];
    const fields = outputFields(existing, { unit, targetTw, budget, implementer, coordinator, realTw, note }, { budget: "anggaran_total", note: "catatan" });
    for (let q = 0; q < 4; q++) fields.push({ column: `realisasi_anggaran_tw${q + 1}`, stage: "monev", before: b[q]!, after: budgetRealTw[q]! });
    diffOutput(rr, GENERAL_SHEET, r.row, target.id, actionId, text, indicator, fields, {
      indicator,
      unit,
      target_tw_json: JSON.stringify(targetTw),
      budget_total: budget,
      realisation_tw_json: JSON.stringify(realTw),
      budget_realisation_tw_json: JSON.stringify(budgetRealTw),
      implementer,
      coordinator,
      focus: existing?.focus ?? null,
      note,
    });
  }

  // RB Tematik.
  const themes = content?.tematik.themes ?? [];
  const focuses = content?.tematik.fokus_intervensi ?? [];
  const nodeBy = new Map<string, string>();
  for (const n of rows.nodes) {
    const k = key(n.kind, n.parent_id ?? n.theme, n.name);
    if (!nodeBy.has(k)) nodeBy.set(k, n.id);
  }
  const nodeRow = new Map(rows.nodes.map((n) => [n.id, n]));
  /** Nodes met in this workbook: their first row and the values read there (a later row must agree). */
  const met = new Map<string, { row: number; values: Record<string, Value> }>();

  const resolveNode = (
    rr: RowReader,
    row: number,
    theme: string,
    kind: TematikNodeKind,
    parentId: string | null,
    nameCol: string,
    name: string,
    fields: (Field & { col: keyof NodeCols })[],
  ): string | null => {
    const k = key(kind, parentId ?? theme, name);
    const seen = met.get(k);
    if (seen) {
      let ok = true;
      for (const f of fields) {
        if (!same(seen.values[f.column] ?? null, f.after)) {
          rr.fail(f.column, "renaksiExcel.issue.conflict", { column: f.column, row: String(seen.row), name });
          ok = false;
        }
      }
      return ok ? (nodeBy.get(k) ?? null) : null;
    }
    met.set(k, { row, values: Object.fromEntries(fields.map((f) => [f.column, f.after])) });
    const existingId = nodeBy.get(k);
    const cols = Object.fromEntries(fields.map((f) => [f.col, f.after])) as Partial<NodeCols>;
    if (existingId) {
      if (d.record(rr, TEMATIK_SHEET, row, "change", kind, name, fields, nameCol)) d.ops.push({ t: "nodeUpdate", id: existingId, cols });
      return existingId;
    }
    const id = newId();
    nodeBy.set(k, id);
    d.record(rr, TEMATIK_SHEET, row, "add", kind, name, fields, nameCol);
    d.ops.push({ t: "node", id, theme, kind, parentId, name, cols: { goal: null, target: null, unit: null, realisasi: null, note: null, ...cols } });
    return id;
  };
  const nodeFields = (id: string | undefined, spec: [column: string, col: keyof NodeCols, stage: Stage, after: Value][]) => {
    const n = id ? nodeRow.get(id) : undefined;
    return spec.map(([column, col, stage, after]) => ({ column, col, stage, before: n ? n[col] : null, after }));
  };

  for (const r of book.tematik ?? []) {
    const rr = new RowReader(TEMATIK_SHEET, TEMATIK_COLUMNS, r, d.errors);
    const before = d.errors.length;
    const v = {
      tema: rr.text("tema"),
      sasaran: rr.text("sasaran"),
      ir: rr.text("indikator_roadmap"),
      irTarget: rr.num("target"),
      irUnit: rr.text("satuan_target"),
      irReal: rr.num("realisasi"),
      irNote: rr.text("catatan"),
      perm: rr.text("permasalahan"),
      goal: rr.text("sasaran_permasalahan"),
      ip: rr.text("indikator_permasalahan"),
      ipTarget: rr.num("target_indikator_permasalahan"),
      ipUnit: rr.text("satuan_target_indikator_permasalahan"),
      ipReal: rr.num("realisasi_indikator_permasalahan"),
      ipNote: rr.text("catatan_indikator_permasalahan"),
      text: rr.text("rencana_aksi"),
      indicator: rr.text("indikator_output"),
      unit: rr.text("satuan_output"),
      targetTw: rr.quarters("target"),
      budget: rr.num("anggaran"),
      focusText: rr.text("fokus_intervensi"),
      coordinator: rr.text("koordinator"),
      implementer: rr.text("pelaksana"),
      realTw: rr.quarters("realisasi"),
      budgetReal: rr.num("realisasi_anggaran"),
      note: rr.text("catatan_monev"),
    };
    if (d.errors.length > before) continue;
    if (!v.tema) {
      rr.required("tema");
      continue;
    }
    const wanted = v.tema.toLowerCase();
    const theme = themes.find((t) => t.name.toLowerCase() === wanted || t.code.toLowerCase() === wanted);
    if (!theme) {
      rr.fail("tema", "renaksiExcel.issue.unknownTheme", { value: v.tema, year, themes: themes.map((t) => t.name) });
      continue;
    }
    // Road map branch.
    const irGiven = [v.irTarget, v.irUnit, v.irReal, v.irNote].some((x) => x !== null);
    if (!v.sasaran && (v.ir || irGiven)) rr.required("sasaran");
    else if (v.sasaran) {
      const sasaranId = resolveNode(rr, r.row, theme.code, "sasaran", null, "sasaran", v.sasaran, []);
      if (!v.ir && irGiven) rr.required("indikator_roadmap");
      else if (v.ir && v.irTarget === null) rr.fail("target", "renaksiExcel.issue.roadmapNeedsTarget", { name: v.ir });
      else if (v.ir && sasaranId) {
        const existing = nodeBy.get(key("indikator_roadmap", sasaranId, v.ir));
        resolveNode(rr, r.row, theme.code, "indikator_roadmap", sasaranId, "indikator_roadmap", v.ir, nodeFields(existing, [
          ["target", "target", "plan", v.irTarget],
          ["satuan_target", "unit", "plan", v.irUnit],
          ["realisasi", "realisasi", "monev", v.irReal],
          ["catatan", "note", "monev", v.irNote],
        ]));
      }
    }
    // Problem branch.
    const ipGiven = [v.ipTarget, v.ipUnit, v.ipReal, v.ipNote].some((x) => x !== null);
    const outputGiven = [v.unit, v.budget, v.focusText, v.coordinator, v.implementer, v.budgetReal, v.note, ...v.targetTw, ...v.realTw].some((x) => x !== null);
    if (!v.perm) {
      if (v.goal || v.ip || ipGiven || v.text || v.indicator || outputGiven) rr.required("permasalahan");
      continue;
    }
    const permExisting = nodeBy.get(key("permasalahan", theme.code, v.perm));
    const permId = resolveNode(rr, r.row, theme.code, "permasalahan", null, "permasalahan", v.perm, nodeFields(permExisting, [["sasaran_permasalahan", "goal", "plan", v.goal]]));
    if (!permId) continue;
    if (!v.ip && ipGiven) rr.required("indikator_permasalahan");
    else if (v.ip) {
      const existing = nodeBy.get(key("indikator_permasalahan", permId, v.ip));
      resolveNode(rr, r.row, theme.code, "indikator_permasalahan", permId, "indikator_permasalahan", v.ip, nodeFields(existing, [
        ["target_indikator_permasalahan", "target", "plan", v.ipTarget],
        ["satuan_target_indikator_permasalahan", "unit", "plan", v.ipUnit],
        ["realisasi_indikator_permasalahan", "realisasi", "monev", v.ipReal],
        ["catatan_indikator_permasalahan", "note", "monev", v.ipNote],
      ]));
    }
    if (!v.text) {
      if (v.indicator || outputGiven) rr.required("rencana_aksi");
      continue;
    }
    if (!v.indicator && outputGiven) {
      rr.required("indikator_output");
      continue;
    }
    if (v.indicator && !v.unit) {
      rr.required("satuan_output");
      continue;
    }
    let focus: string | null = null;
    if (v.focusText) {
      const f = focuses.find((x) => x.name.toLowerCase() === v.focusText!.toLowerCase() || x.code.toLowerCase() === v.focusText!.toLowerCase());
      if (!f) {
        rr.fail("fokus_intervensi", "renaksiExcel.issue.unknownFocus", { value: v.focusText, options: focuses.map((x) => x.name) });
        continue;
      }
      focus = f.code;
    }
    const actionId = resolveAction(rr, TEMATIK_SHEET, r.row, { nodeId: permId }, v.text, v.indicator !== null && v.unit !== null);
    if (!actionId || !v.indicator || !v.unit) continue;
    const ok = key(permId, v.text, v.indicator);
    const existing = outputsBy.get(ok)?.[seenOutputs.get(ok) ?? 0] ?? null;
    const storedBudget = existing ? quarters(existing.budget_realisation_tw_json) : ([null, null, null, null] as Quarter4);
    const budgetChanged = !same(sumOrNull(storedBudget), v.budgetReal);
    const budgetTw: Quarter4 = !budgetChanged ? storedBudget : v.budgetReal === null ? [null, null, null, null] : [null, null, null, v.budgetReal];
    const fields = outputFields(existing, { unit: v.unit, targetTw: v.targetTw, budget: v.budget, implementer: v.implementer, coordinator: v.coordinator, realTw: v.realTw, note: v.note }, { budget: "anggaran", note: "catatan_monev" });
    fields.push({ column: "fokus_intervensi", stage: "plan", before: existing?.focus ?? null, after: focus });
    fields.push({ column: "realisasi_anggaran", stage: "monev", before: sumOrNull(storedBudget), after: v.budgetReal });
    diffOutput(rr, TEMATIK_SHEET, r.row, permId, actionId, v.text, v.indicator, fields, {
      indicator: v.indicator,
      unit: v.unit,
      target_tw_json: JSON.stringify(v.targetTw),
      budget_total: v.budget,
      realisation_tw_json: JSON.stringify(v.realTw),
      budget_realisation_tw_json: JSON.stringify(budgetTw),
      implementer: v.implementer,
      coordinator: v.coordinator,
      focus,
      note: v.note,
    });
  }
  // Field names shown for a Tematik focus: the name, not the code.
  for (const c of d.changes) {
    for (const f of c.fields) {
      if (f.column === "fokus_intervensi") {
        f.before = focuses.find((x) => x.code === f.before)?.name ?? f.before;
        f.after = focuses.find((x) => x.code === f.after)?.name ?? f.after;
      }
    }
  }
  return { changes: d.changes, errors: d.errors, ops: d.ops };
}

function countsOf(changes: RowChange[]) {
  return {
    added: changes.filter((c) => c.op === "add").length,
    changed: changes.filter((c) => c.op === "change").length,
    cleared: changes.reduce((n, c) => n + c.fields.filter((f) => f.clears).length, 0),
  };
}

// ── Preview and apply ─────────────────────────────────────────────────────────────────────────

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** What importing the workbook would change, row by row, and every problem with its sheet and cell. Writes nothing. */
export async function previewPlanImport(db: Db, actor: Actor, planId: string, bytes: Uint8Array, fileName = "rencana-aksi.xlsx"): Promise<PlanImportPreview> {
  const ctx = await requirePlan(db, actor, planId, "fill");
  const book = await readBook(bytes, fileName, ctx.plan.id);
  const diff = await diffPlan(db, ctx, renaksiContentFor(ctx.plan.year), book);
  return { sha256: sha256(bytes), planVersion: ctx.plan.version, changes: diff.changes, errors: diff.errors, counts: countsOf(diff.changes) };
}

/**
 * Applies the workbook: everything or nothing, in one transaction, one "renaksi.import" audit row,
 * the plan's version bumped and A101/A102 re-scored once. Refused (RenaksiExcelError) when the
 * workbook has errors, when it would clear values and `confirmClear` is not given, or when the plan
 * changed since the preview (`expectedVersion`).
 */
export async function applyPlanImport(
  db: Db,
  actor: Actor,
  planId: string,
  bytes: Uint8Array,
  opts: { confirmClear?: boolean; expectedVersion?: number; fileName?: string } = {},
): Promise<PlanImportResult> {
  const ctx = await requirePlan(db, actor, planId, "fill");
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== ctx.plan.version) throw new RenaksiExcelError("renaksiExcel.stale");
  const fileName = opts.fileName ?? "rencana-aksi.xlsx";
  const book = await readBook(bytes, fileName, ctx.plan.id);
  const content = renaksiContentFor(ctx.plan.year);
  return db.transaction().execute(async (trx) => {
    const now = await trx.selectFrom("renaksi_plan").select("version").where("id", "=", planId).executeTakeFirstOrThrow();
    if (now.version !== ctx.plan.version) throw new RenaksiExcelError("renaksiExcel.stale");
    const diff = await diffPlan(trx, ctx, content, book);
    if (diff.errors.length) throw new RenaksiExcelError("renaksiExcel.hasErrors", { count: diff.errors.length }, diff.errors);
    const counts = countsOf(diff.changes);
    if (counts.cleared > 0 && !opts.confirmClear) throw new RenaksiExcelError("renaksiExcel.clearNeedsConfirm", { count: counts.cleared });
    if (diff.ops.length === 0) return counts;
    const positions = new Map<string, number>();
    const next = async (table: "renaksi_action" | "renaksi_output" | "tematik_node") => {
      if (!positions.has(table)) {
        const r = await trx.selectFrom(table).select((eb) => eb.fn.max("position").as("m")).where("plan_id", "=", planId).executeTakeFirst();
        positions.set(table, Number(r?.m ?? 0));
      }
      const p = positions.get(table)! + 1;
      positions.set(table, p);
      return p;
    };
    for (const op of diff.ops) {
      if (op.t === "node") {
        await trx
          .insertInto("tematik_node")
          .values({ id: op.id, plan_id: planId, theme: op.theme, kind: op.kind, parent_id: op.parentId, name: op.name, ...op.cols, evaluator_note: null, position: await next("tematik_node") })
          .execute();
      } else if (op.t === "nodeUpdate") {
        await trx.updateTable("tematik_node").set(op.cols).where("id", "=", op.id).where("plan_id", "=", planId).execute();
      } else if (op.t === "action") {
        await trx
          .insertInto("renaksi_action")
          .values({ id: op.id, plan_id: planId, target_id: op.targetId, tematik_node_id: op.nodeId, text: op.text, position: await next("renaksi_action") })
          .execute();
      } else if (op.t === "output") {
        await trx
          .insertInto("renaksi_output")
          .values({
            id: op.id,
            plan_id: planId,
            action_id: op.actionId,
            ...op.cols,
            budget_tw_json: JSON.stringify([null, null, null, null]),
            evaluator_note: null,
            position: await next("renaksi_output"),
          })
          .execute();
      } else {
        await trx.updateTable("renaksi_output").set(op.cols).where("id", "=", op.id).where("plan_id", "=", planId).execute();
      }
    }
    await trx.updateTable("renaksi_plan").set({ version: ctx.plan.version + 1, updated_at: new Date().toISOString() }).where("id", "=", planId).execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: ctx.plan.organisation_id,
      action: "renaksi.import",
      entityType: "renaksi_plan",
      entityId: planId,
      before: { version: ctx.plan.version },
      after: {
        file: fileName,
        sha256: sha256(bytes),
        ...counts,
        // The changes themselves (at most 500, the rest counted), so the audit log shows what the workbook did.
        changes: diff.changes.slice(0, 500).map((c) => ({ sheet: c.sheet, row: c.row, op: c.op, entity: c.entity, name: c.name, fields: c.fields.map((f) => ({ column: f.column, before: f.before, after: f.after })) })),
        more: Math.max(0, diff.changes.length - 500),
      },
    });
    await rescorePlan(trx, actor, planId);
    return counts;
  });
}

export { MAX_PLAN_WORKBOOK_BYTES };
