/*
 * Sheet `Utama` of the LKE workbook: the recap as the official workbook shows it (components,
 * sub-components and areas with weight, value and % of weight, the total), the Indeks RB predicate
 * or each WBK/WBBM criterion as live formulas over sheet `Jawaban`, and who exported what, when.
 */
import type ExcelJS from "exceljs";
import type { Instrument } from "~/domain/instrument/schema";
import { lkeRows, TOTAL_CODE } from "~/domain/lke/layout";
import { fmtId } from "~/domain/scoring/format";
import type { ScoreResult } from "~/domain/scoring/types";
import { formatDate, translator, type MessageKey } from "~/i18n";
import type { LkeExportData } from "./export-data";

const ID = translator("id");

export const NUM_FMT = "#,##0.00";
export const LOCKED_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFF2F2F2" } };
/** The engine's COMPARISON_TOLERANCE, written out: it only absorbs binary floating-point noise at a band edge. */
const TOL = "0.000000001";

export function writeUtama(
  ws: ExcelJS.Worksheet,
  data: LkeExportData,
  score: ScoreResult | null,
  rowOf: Map<string, number>,
  nilaiCol: string,
): void {
  const { instrument } = data;
  ws.getColumn(1).width = 22;
  ws.getColumn(2).width = 64;
  ws.getColumn(3).width = 12;
  ws.getColumn(4).width = 12;
  ws.getColumn(5).width = 14;
  ws.addRow([instrument.title]).font = { bold: true, size: 14 };
  const a = data.assessment;
  const metaRows: Array<[string, string | number | null]> = [
    ["Instrumen", instrument.id],
    ["Versi instrumen", instrument.version],
    ["Hash instrumen", data.instrumentHash],
    ["Regulasi", instrument.regulation.reference],
    ["Instansi", a?.organisationName ?? null],
    ["Unit kerja", a ? `${a.unitName}${a.unitCode ? ` (${a.unitCode})` : ""}` : "(templat kosong)"],
    ["Periode", a ? `${a.periodName} (${a.year})` : null],
    ["Id penilaian", a?.id ?? null],
    // Words and times a person reads (the workbook is Indonesian): "Draf", "7 Des 2026, 21.36 WIB".
    // The hidden sheet keeps the machine values (status key, ISO time).
    ["Status", a?.status ? ID(`status.${a.status}` as MessageKey) : null],
    ["Diekspor pada", `${formatDate(data.exportedAt, "id")} WIB`],
    ["Diekspor oleh", data.exportedBy],
  ];
  for (const [k, v] of metaRows) {
    const r = ws.addRow([k, v]);
    r.getCell(1).font = { bold: true };
  }
  ws.addRow([]);
  const head = ws.addRow(["Kode", "Komponen / area", "Bobot", "Nilai", "% bobot"]);
  head.font = { bold: true };
  head.eachCell((c) => (c.fill = LOCKED_FILL));
  const nodeRef = (code: string) => `Jawaban!${nilaiCol}${rowOf.get(code)}`;
  const refOf = new Map<string, string>();
  for (const r of lkeRows(instrument)) {
    if (r.kind !== "node" || r.level === "subarea" || (r.group && r.level !== "area")) continue;
    const isTotal = r.code === TOTAL_CODE;
    const node = score?.nodes[isTotal ? "total" : r.code];
    const row = ws.addRow([isTotal ? "Total" : r.code, isTotal ? "Nilai total" : r.label, r.weight]);
    const n = row.number;
    row.getCell(2).alignment = { indent: r.depth };
    row.getCell(3).numFmt = NUM_FMT;
    row.getCell(4).value = node ? { formula: nodeRef(r.code), result: node.value } : { formula: nodeRef(r.code) };
    row.getCell(4).numFmt = NUM_FMT;
    row.getCell(5).value = node
      ? { formula: `IF(C${n}>0,D${n}/C${n}*100,0)`, result: node.percent }
      : { formula: `IF(C${n}>0,D${n}/C${n}*100,0)` };
    row.getCell(5).numFmt = NUM_FMT;
    if (r.level !== "area") row.font = { bold: true };
    refOf.set(isTotal ? "total" : r.code, `D${n}`);
  }
  const total = refOf.get("total")!;
  const bands = instrument.evaluation.predicate_bands;
  if (bands.length) {
    ws.addRow([]);
    // Bands as data: (above, up_to]; the first matching band in content order, as the engine does.
    let f = `"-"`;
    for (const b of [...bands].reverse())
      f = `IF(AND(${total}>${b.above}+${TOL}${b.up_to === undefined ? "" : `,${total}<=${b.up_to}+${TOL}`}),"${b.code}",${f})`;
    const r = ws.addRow(["Predikat Indeks RB", null]);
    r.getCell(1).font = { bold: true };
    r.getCell(2).value = { formula: f, result: score?.predicate?.code ?? "-" };
    for (const b of bands) ws.addRow([b.code, `${b.label}: > ${fmtId(b.above)}${b.up_to === undefined ? "" : ` – ${fmtId(b.up_to)}`}`]);
  }
  const verdicts = Object.values(score?.zi ?? {});
  if (instrument.evaluation.zi_verdicts.length) {
    for (const rule of instrument.evaluation.zi_verdicts) {
      const v = verdicts.find((x) => x.id === rule.id);
      ws.addRow([]);
      const head = ws.addRow([rule.label, null, "Capaian", "Syarat", "Status"]);
      head.font = { bold: true };
      const first = head.number + 1;
      for (const c of v?.criteria ?? []) {
        const row = ws.addRow([c.id, c.label]);
        const n = row.number;
        const formula = criterionFormula(instrument, rule.criteria, c.id, refOf, rowOf, nilaiCol);
        const statusText = { pass: "Memenuhi", fail: "Belum memenuhi", unknown: "Belum ada data", not_applicable: "Tidak berlaku" }[
          c.status
        ];
        if (formula) {
          row.getCell(3).value = { formula, result: typeof c.actual === "number" ? c.actual : 0 };
          row.getCell(4).value = c.required as number;
          row.getCell(5).value = { formula: `IF(C${n}>=D${n}-0.000000001,"Memenuhi","Belum memenuhi")`, result: statusText };
        } else {
          row.getCell(3).value =
            c.actual === null ? "tidak ada data" : typeof c.actual === "boolean" ? (c.actual ? "ya" : "tidak") : c.actual;
          row.getCell(4).value = typeof c.required === "boolean" ? "ya" : c.required;
          row.getCell(5).value = statusText;
        }
        row.getCell(3).numFmt = NUM_FMT;
        row.getCell(4).numFmt = NUM_FMT;
      }
      const last = ws.lastRow!.number;
      const overall = v ? (v.pass ? "MEMENUHI" : v.scorePass && v.pending.length ? "MENUNGGU DATA" : "BELUM MEMENUHI") : "-";
      head.getCell(2).value = {
        formula: `IF(COUNTIF(E${first}:E${last},"Belum memenuhi")>0,"BELUM MEMENUHI",IF(COUNTIF(E${first}:E${last},"Belum ada data")>0,"MENUNGGU DATA","MEMENUHI"))`,
        result: overall,
      };
    }
  }
}

/** A live formula for the criteria the answers decide (node minimum, area % of weight); null for context criteria. */
function criterionFormula(
  instrument: Instrument,
  criteria: Instrument["evaluation"]["zi_verdicts"][number]["criteria"],
  resultId: string,
  refOf: Map<string, string>,
  rowOf: Map<string, number>,
  nilaiCol: string,
): string | null {
  const jaw = (code: string) => `Jawaban!${nilaiCol}${rowOf.get(code)}`;
  for (const c of criteria) {
    if (c.kind === "node_min" && c.id === resultId)
      return c.node === "total" ? refOf.get("total")! : rowOf.has(c.node) ? jaw(c.node) : null;
    if (c.kind === "area_percent_min" && resultId.startsWith(`${c.id}.`)) {
      const key = resultId.slice(c.id.length + 1);
      const group = instrument.evaluation.zi_area_groups.find((g) => g.id === key);
      const nodes = group ? group.nodes : rowOf.has(key) ? [key] : [];
      if (nodes.length === 0) return null;
      const weights = lkeRows(instrument).filter((r) => r.kind === "node" && nodes.includes(r.code));
      const sumW = weights.reduce((s, r) => s + (r.kind === "node" ? r.weight : 0), 0);
      return `(${nodes.map(jaw).join("+")})/${sumW}*100`;
    }
  }
  return null;
}
