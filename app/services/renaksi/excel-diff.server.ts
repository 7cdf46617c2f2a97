/** The plan workbook against the stored plan (issue #29): per row what would be added, changed or cleared, and the operations that do it. The rules: excel.server.ts. */

import type { Db } from "#db/client.server";
import type { RenaksiOutput, TematikNode, TematikNodeKind } from "#db/schema";
import type { RenaksiContent } from "~/domain/renaksi/schema";
import type { MessageKey } from "~/i18n";
import type { MessageParams } from "~/i18n/keyed";
import { todayWib } from "~/services/workbench/rules";
import { newId } from "~/utils/ids";
import { windowOpen, type PlanContext } from "./access.server";
import {
  cellRef,
  GENERAL_COLUMNS,
  GENERAL_SHEET,
  parseNumberCell,
  parseTextCell,
  sameNumber,
  sumOrNull,
  TEMATIK_COLUMNS,
  TEMATIK_SHEET,
  type Column,
} from "./excel-shape";
import { quarters, type Quarter4 } from "./quarters";
import { issue, type ImportEntity, type PlanExcelIssue, type RowChange, type Value } from "./excel-types";
import { loadRows, outputsOf } from "./excel-export.server";
import { type ReadBook, type SheetRow } from "./excel-read.server";

// ── Diff ──────────────────────────────────────────────────────────────────────────────────────

export type Stage = "plan" | "monev";

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

export type Op =
  | { t: "node"; id: string; theme: string; kind: TematikNodeKind; parentId: string | null; name: string; cols: NodeCols }
  | { t: "nodeUpdate"; id: string; cols: Partial<NodeCols> }
  | { t: "action"; id: string; targetId: string | null; nodeId: string | null; text: string }
  | { t: "output"; id: string; actionId: string; cols: OutputCols }
  | { t: "outputUpdate"; id: string; cols: Partial<OutputCols> };

export interface Diff {
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
    this.open = {
      plan: windowOpen(ctx.plan.plan_open, ctx.plan.plan_close, today),
      monev: windowOpen(ctx.plan.monev_open, ctx.plan.monev_close, today),
    };
  }
  /** The changed fields (all given fields for an added row), the window of each checked; false when a window is closed. */
  record(
    rr: RowReader,
    sheet: string,
    row: number,
    op: "add" | "change",
    entity: ImportEntity,
    name: string,
    fields: Field[],
    identity: string,
  ): boolean {
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
      fields: changed.map((f) => ({
        column: f.column,
        cell: rr.cell(f.column),
        before: f.before,
        after: f.after,
        clears: f.before !== null && f.after === null,
      })),
    });
    return ok;
  }
}

const key = (...parts: (string | null)[]) => parts.join("\u0000");

/** The output fields shared by both sheets, before (stored) and after (workbook). */
function outputFields(
  o: RenaksiOutput | null,
  after: {
    unit: string;
    targetTw: Quarter4;
    budget: number | null;
    implementer: string | null;
    coordinator: string | null;
    realTw: Quarter4;
    note: string | null;
  },
  cols: { budget: string; note: string },
): Field[] {
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

export async function diffPlan(db: Db, ctx: PlanContext, content: RenaksiContent | null, book: ReadBook): Promise<Diff> {
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
  const resolveAction = (
    rr: RowReader,
    sheet: string,
    row: number,
    parent: { targetId: string } | { nodeId: string },
    text: string,
    hasOutput: boolean,
  ): string | null => {
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
    d.ops.push({
      t: "action",
      id,
      targetId: "targetId" in parent ? parent.targetId : null,
      nodeId: "nodeId" in parent ? parent.nodeId : null,
      text,
    });
    d.record(rr, sheet, row, "add", "action", text, [], "rencana_aksi");
    return id;
  };

  /** The output of (parent, action text, indicator), occurrence by occurrence: a change, an addition or nothing. */
  const diffOutput = (
    rr: RowReader,
    sheet: string,
    row: number,
    parentId: string,
    actionId: string,
    text: string,
    indicator: string,
    fields: Field[],
    cols: OutputCols,
  ) => {
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
      rr.fail(
        "kode_indikator",
        indicators.has(code.toUpperCase()) ? "renaksiExcel.issue.indicatorNotInPlan" : "renaksiExcel.issue.unknownIndicator",
        { code, year },
      );
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
    const fields = outputFields(
      existing,
      { unit, targetTw, budget, implementer, coordinator, realTw, note },
      { budget: "anggaran_total", note: "catatan" },
    );
    for (let q = 0; q < 4; q++)
      fields.push({ column: `realisasi_anggaran_tw${q + 1}`, stage: "monev", before: b[q]!, after: budgetRealTw[q]! });
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
    d.ops.push({
      t: "node",
      id,
      theme,
      kind,
      parentId,
      name,
      cols: { goal: null, target: null, unit: null, realisasi: null, note: null, ...cols },
    });
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
        resolveNode(
          rr,
          r.row,
          theme.code,
          "indikator_roadmap",
          sasaranId,
          "indikator_roadmap",
          v.ir,
          nodeFields(existing, [
            ["target", "target", "plan", v.irTarget],
            ["satuan_target", "unit", "plan", v.irUnit],
            ["realisasi", "realisasi", "monev", v.irReal],
            ["catatan", "note", "monev", v.irNote],
          ]),
        );
      }
    }
    // Problem branch.
    const ipGiven = [v.ipTarget, v.ipUnit, v.ipReal, v.ipNote].some((x) => x !== null);
    const outputGiven = [
      v.unit,
      v.budget,
      v.focusText,
      v.coordinator,
      v.implementer,
      v.budgetReal,
      v.note,
      ...v.targetTw,
      ...v.realTw,
    ].some((x) => x !== null);
    if (!v.perm) {
      if (v.goal || v.ip || ipGiven || v.text || v.indicator || outputGiven) rr.required("permasalahan");
      continue;
    }
    const permExisting = nodeBy.get(key("permasalahan", theme.code, v.perm));
    const permId = resolveNode(
      rr,
      r.row,
      theme.code,
      "permasalahan",
      null,
      "permasalahan",
      v.perm,
      nodeFields(permExisting, [["sasaran_permasalahan", "goal", "plan", v.goal]]),
    );
    if (!permId) continue;
    if (!v.ip && ipGiven) rr.required("indikator_permasalahan");
    else if (v.ip) {
      const existing = nodeBy.get(key("indikator_permasalahan", permId, v.ip));
      resolveNode(
        rr,
        r.row,
        theme.code,
        "indikator_permasalahan",
        permId,
        "indikator_permasalahan",
        v.ip,
        nodeFields(existing, [
          ["target_indikator_permasalahan", "target", "plan", v.ipTarget],
          ["satuan_target_indikator_permasalahan", "unit", "plan", v.ipUnit],
          ["realisasi_indikator_permasalahan", "realisasi", "monev", v.ipReal],
          ["catatan_indikator_permasalahan", "note", "monev", v.ipNote],
        ]),
      );
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
      const f = focuses.find(
        (x) => x.name.toLowerCase() === v.focusText!.toLowerCase() || x.code.toLowerCase() === v.focusText!.toLowerCase(),
      );
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
    const budgetTw: Quarter4 = !budgetChanged
      ? storedBudget
      : v.budgetReal === null
        ? [null, null, null, null]
        : [null, null, null, v.budgetReal];
    const fields = outputFields(
      existing,
      {
        unit: v.unit,
        targetTw: v.targetTw,
        budget: v.budget,
        implementer: v.implementer,
        coordinator: v.coordinator,
        realTw: v.realTw,
        note: v.note,
      },
      { budget: "anggaran", note: "catatan_monev" },
    );
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

export function countsOf(changes: RowChange[]) {
  return {
    added: changes.filter((c) => c.op === "add").length,
    changed: changes.filter((c) => c.op === "change").length,
    cleared: changes.reduce((n, c) => n + c.fields.filter((f) => f.clears).length, 0),
  };
}
