/** The plan workbook out (issue #29): both template sheets in the portal's shape and the hidden plan sheet (excel.server.ts explains the layout). */

import ExcelJS from "exceljs";
import type { Db } from "#db/client.server";
import type { RenaksiOutput, TematikNode, TematikNodeKind } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { indicatorAchievement } from "~/domain/renaksi/achievement";
import type { RenaksiContent } from "~/domain/renaksi/schema";
import { requirePlan, type PlanContext } from "./access.server";
import { renaksiContentFor } from "./content.server";
import {
  GENERAL_COLUMNS,
  GENERAL_SHEET,
  META_SHEET,
  RENAKSI_WORKBOOK_FORMAT,
  sumOrNull,
  TEMATIK_COLUMNS,
  TEMATIK_SHEET,
  type Column,
} from "./excel-shape";
import { quarters } from "./quarters";
import { type Value } from "./excel-types";

// ── Export ────────────────────────────────────────────────────────────────────────────────────

export interface PlanRows {
  targets: { id: string; indicator_code: string; position: number }[];
  actions: { id: string; target_id: string | null; tematik_node_id: string | null; text: string; position: number }[];
  outputs: RenaksiOutput[];
  nodes: TematikNode[];
}

export async function loadRows(db: Db, planId: string): Promise<PlanRows> {
  const [targets, actions, outputs, nodes] = await Promise.all([
    db
      .selectFrom("renaksi_target")
      .select(["id", "indicator_code", "position"])
      .where("plan_id", "=", planId)
      .orderBy("position")
      .orderBy("id")
      .execute(),
    db
      .selectFrom("renaksi_action")
      .select(["id", "target_id", "tematik_node_id", "text", "position"])
      .where("plan_id", "=", planId)
      .orderBy("position")
      .orderBy("id")
      .execute(),
    db.selectFrom("renaksi_output").selectAll().where("plan_id", "=", planId).orderBy("position").orderBy("id").execute(),
    db.selectFrom("tematik_node").selectAll().where("plan_id", "=", planId).orderBy("position").orderBy("id").execute(),
  ]);
  return { targets, actions, outputs, nodes };
}

export const outputsOf = (rows: PlanRows, actionId: string) => rows.outputs.filter((o) => o.action_id === actionId);

export type RowValues = Record<string, Value>;

export function outputCells(o: RenaksiOutput | null): RowValues {
  if (!o) return {};
  const t = quarters(o.target_tw_json);
  const r = quarters(o.realisation_tw_json);
  const b = quarters(o.budget_realisation_tw_json);
  const v: RowValues = {
    indikator_output: o.indicator,
    satuan_output: o.unit,
    target_total: sumOrNull(t),
    koordinator: o.coordinator,
    pelaksana: o.implementer,
  };
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
      for (const o of outputs)
        out.push({ ...head, rencana_aksi: a.text, ...outputCells(o), anggaran_total: o.budget_total, catatan: o.note });
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
        roadmap.push({
          sasaran: s.name,
          indikator_roadmap: i.name,
          target: i.target,
          satuan_target: i.unit,
          realisasi: i.realisasi,
          capaian: indicatorAchievement(i.target, i.realisasi),
          catatan: i.note,
        });
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
          const {
            realisasi_anggaran_tw1: _1,
            realisasi_anggaran_tw2: _2,
            realisasi_anggaran_tw3: _3,
            realisasi_anggaran_tw4: _4,
            ...cells
          } = outputCells(o);
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
    for (let k = 0; k < Math.max(roadmap.length, problems.length); k++)
      out.push({ tema: theme, ...(roadmap[k] ?? {}), ...(problems[k] ?? {}) });
  }
  return out;
}

function writeSheet(wb: ExcelJS.Workbook, name: string, columns: Column[], rows: RowValues[]): void {
  const ws = wb.addWorksheet(name, { views: [{ state: "frozen", ySplit: 2 }] });
  ws.columns = columns.map((c) => ({
    key: c.key,
    width: c.kind === "text" ? Math.min(40, Math.max(14, c.key.length + 2)) : Math.max(12, c.key.length + 2),
  }));
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
