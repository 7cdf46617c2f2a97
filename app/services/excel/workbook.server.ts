/*
 * Writes the LKE workbook (ExcelJS): sheet `Utama` (the recap as the official workbook shows it),
 * sheet `Jawaban` (every node, item and ratio input with live formulas whose cached values are the
 * engine's), and a hidden sheet `_cermin` (format, assessment, instrument and item versions, so an
 * import can detect conflicts). Pure of the database: the caller gathers what the reader may see.
 */
import ExcelJS from "exceljs";
import { NOT_APPLICABLE, type Instrument } from "~/domain/instrument/schema";
import type { Answers } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import type { ScoreResult } from "~/domain/scoring/types";
import {
  answerNumber,
  countNumber,
  HEADERS,
  layerHeader,
  LKE_FORMAT,
  lkeRows,
  META_SHEET,
  nilaiFormula,
  numberRange,
  optionCodes,
  TOTAL_CODE,
  type LkeLayer,
  type LkeRow,
} from "~/domain/lke/layout";
import { fmtId } from "~/domain/scoring/format";
import type { LkeExportData, LkeLayerData } from "./export-data";
import { LOCKED_FILL, NUM_FMT, writeUtama } from "./workbook-utama.server";

const VALUE_FMT = "0.00##";
const ANSWER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFF9DB" } };
const NODE_FILLS = ["FFD9E2F3", "FFE2EFDA", "FFFCE4D6", "FFEDEDED"];

function colLetter(n: number): string {
  let s = "";
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

function answersOf(layer: LkeLayerData): Answers {
  const out: Answers = {};
  for (const [id, a] of Object.entries(layer.answers)) if (a.value !== null) out[id] = a.value;
  return out;
}

/** Scores a layer with the engine; a layer whose stored answers the engine refuses has no cached values. */
function scoreLayer(instrument: Instrument, layer: LkeLayerData): ScoreResult | null {
  try {
    return scoreAssessment(instrument, answersOf(layer));
  } catch {
    return null;
  }
}

function optionsText(row: Extract<LkeRow, { kind: "item" }>): string {
  const item = row.item;
  if (item.type === "percent") {
    const f = item.formula;
    const inputs = (item.inputs ?? []).map((i) => `${i.name} = ${i.label}${i.informational ? " (informasi)" : ""}`);
    const rule =
      f?.kind === "ratio"
        ? `nilai = ${f.numerator} / ${f.denominator.join(" + ")}`
        : f
          ? `nilai = (${f.before} − ${f.after}) / ${f.before}`
          : "";
    return [`Isi jumlah pada baris di bawah: ${inputs.join("; ")}`, rule].filter(Boolean).join("\n");
  }
  const range = numberRange(item, row.groupWeight);
  if (range) {
    const text =
      item.type === "external_points"
        ? `Poin 0–${fmtId(range.max)}`
        : item.type === "coefficient"
          ? `Koefisien ${fmtId(range.min)} s.d. ${fmtId(range.max)} (alasan di Catatan)`
          : `Angka ${fmtId(range.min)}–${fmtId(range.max)}`;
    return item.not_applicable ? `${text}, atau ${NOT_APPLICABLE} bila tidak berlaku (alasan di Catatan)` : text;
  }
  return (item.options ?? []).map((o) => `${o.code}: ${o.criterion}`).join("\n");
}

interface Columns {
  code: number;
  question: number;
  options: number;
  evidence: number;
  weight: number;
  layers: Array<{ layer: LkeLayer; answer: number; nilai: number; note: number }>;
}

function columnsFor(layers: LkeLayer[]): Columns {
  // The unit's columns keep the order of the issue (Kode … Bukti dukung); weight and evaluator groups follow.
  const cols: Columns = {
    code: 1,
    question: 2,
    options: 3,
    evidence: 7,
    weight: 8,
    layers: [{ layer: "self", answer: 4, nilai: 5, note: 6 }],
  };
  let next = 9;
  for (const layer of layers) {
    if (layer === "self") continue;
    cols.layers.push({ layer, answer: next, nilai: next + 1, note: next + 2 });
    next += 3;
  }
  return cols;
}

/**
 * Builds the workbook into `wb`: an in-memory workbook (then `writeBuffer()` it) or ExcelJS's
 * streaming writer (then `commit()` it), which a bulk export uses to keep memory flat.
 */
export function buildLkeWorkbook(data: LkeExportData, wb: ExcelJS.Workbook = new ExcelJS.Workbook()): ExcelJS.Workbook {
  const { instrument } = data;
  wb.creator = "Cermin";
  wb.created = new Date(data.exportedAt);
  // Excel recalculates every formula on opening (the cached values are the engine's either way).
  if (wb.calcProperties) wb.calcProperties.fullCalcOnLoad = true;
  const layers = data.layers.length ? data.layers : [{ layer: "self" as const, answers: {} }];
  const scores = new Map(layers.map((l) => [l.layer, scoreLayer(instrument, l)]));

  const utama = wb.addWorksheet("Utama", {
    pageSetup: { paperSize: 9, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const sheet = wb.addWorksheet("Jawaban", {
    views: [{ state: "frozen", ySplit: 1, xSplit: 1 }],
    pageSetup: { paperSize: 9, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: "1:1" },
  });
  const meta = wb.addWorksheet(META_SHEET, { state: "veryHidden" });

  const cols = columnsFor(layers.map((l) => l.layer));
  const rows = lkeRows(instrument);
  const rowOf = new Map<string, number>();
  rows.forEach((r, i) => rowOf.set(r.code, i + 2));

  // Header.
  const header: Array<[number, string, number]> = [
    [cols.code, HEADERS.code, 16],
    [cols.question, HEADERS.question, 60],
    [cols.options, HEADERS.options, 48],
    [cols.evidence, HEADERS.evidence, 40],
    [cols.weight, HEADERS.weight, 9],
  ];
  for (const l of cols.layers) {
    header.push(
      [l.answer, layerHeader("answer", l.layer), 12],
      [l.nilai, layerHeader("nilai", l.layer), 10],
      [l.note, layerHeader("note", l.layer), 36],
    );
  }
  const headRow = sheet.getRow(1);
  for (const [c, text, width] of header) {
    headRow.getCell(c).value = text;
    sheet.getColumn(c).width = width;
  }
  headRow.font = { bold: true };
  headRow.alignment = { vertical: "middle", wrapText: true };
  headRow.eachCell((cell) => (cell.fill = LOCKED_FILL));

  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const n = i + 2;
    const row = sheet.getRow(n);
    row.getCell(cols.code).value = r.code;
    if (r.kind === "node") {
      row.getCell(cols.question).value = r.label;
      row.getCell(cols.weight).value = r.weight;
      row.getCell(cols.weight).numFmt = NUM_FMT;
      row.font = { bold: true };
      const fill: ExcelJS.Fill = {
        type: "pattern",
        pattern: "solid",
        fgColor: { argb: NODE_FILLS[Math.min(r.depth, NODE_FILLS.length - 1)]! },
      };
      for (const c of [cols.code, cols.question, cols.options, cols.evidence, cols.weight]) row.getCell(c).fill = fill;
    } else if (r.kind === "item") {
      row.getCell(cols.question).value = r.item.question;
      row.getCell(cols.options).value = optionsText(r);
      const ev = data.evidence[r.code] ?? [];
      if (ev.length)
        row.getCell(cols.evidence).value = ev.map((e) => (e.name && e.name !== e.url ? `${e.name} — ${e.url}` : e.url)).join("\n");
      row.getCell(cols.evidence).protection = { locked: false };
    } else {
      row.getCell(cols.question).value = `- ${r.input.label}${r.input.informational ? " (informasi, tidak masuk rumus)" : ""}`;
      row.getCell(cols.question).alignment = { indent: 2, wrapText: true, vertical: "top" };
    }
    if (r.kind !== "input") {
      row.getCell(cols.question).alignment = { indent: Math.min(r.depth, 6), wrapText: true, vertical: "top" };
      row.getCell(cols.options).alignment = { wrapText: true, vertical: "top" };
    }
    row.getCell(cols.evidence).alignment = { wrapText: true, vertical: "top" };

    for (const l of cols.layers) {
      const layerData = layers.find((x) => x.layer === l.layer)!;
      const score = scores.get(l.layer) ?? null;
      const refs = {
        answer: (code: string) => `${colLetter(l.answer)}${rowOf.get(code)}`,
        nilai: (code: string) => `${colLetter(l.nilai)}${rowOf.get(code)}`,
      };
      const answerCell = row.getCell(l.answer);
      const noteCell = row.getCell(l.note);
      if (r.kind === "item") {
        const a = layerData.answers[r.code];
        if (r.item.type !== "percent") {
          const v = a?.value;
          answerCell.value = v === null || v === undefined ? null : (v as string | number);
          answerCell.protection = { locked: false };
          answerCell.fill = ANSWER_FILL;
          const codes = optionCodes(r.item);
          const range = numberRange(r.item, r.groupWeight);
          if (range) {
            // A number in the range, typed as a number or as text the way Cermin reads it ("3,60"); or
            // "N/A" for a row that may not apply. Not a number: answerNumber is #VALUE!, refused.
            const at = answerCell.address;
            const n = answerNumber(at);
            const inRange = `IFERROR(AND(${n}>=${range.min},${n}<=${range.max}),FALSE)`;
            answerCell.dataValidation = {
              type: "custom",
              allowBlank: true,
              showErrorMessage: true,
              errorTitle: "Nilai di luar rentang",
              error: `Isi angka ${fmtId(range.min)}–${fmtId(range.max)}${r.item.not_applicable ? ` atau ${NOT_APPLICABLE}` : ""}`,
              formulae: [r.item.not_applicable ? `OR(${inRange},UPPER(TRIM(${at}))="${NOT_APPLICABLE}")` : inRange],
            };
            answerCell.numFmt = NUM_FMT;
          } else if (codes.length) {
            answerCell.dataValidation = {
              type: "list",
              allowBlank: true,
              showErrorMessage: true,
              errorTitle: "Pilihan tidak ada",
              error: `Pilih salah satu: ${codes.join(", ")}`,
              formulae: [`"${codes.join(",")}"`],
            };
          }
        }
        noteCell.value = a?.note ?? null;
        noteCell.protection = { locked: false };
        noteCell.alignment = { wrapText: true, vertical: "top" };
      } else if (r.kind === "input") {
        const counts = layerData.answers[r.itemId]?.value;
        const v = counts && typeof counts === "object" ? counts[r.input.name] : undefined;
        answerCell.value = v ?? null;
        answerCell.protection = { locked: false };
        answerCell.fill = ANSWER_FILL;
        answerCell.numFmt = "0";
        // A whole number ≥ 0, as a number or as text with thousands grouped ("1.000"), as Cermin reads it.
        const c = countNumber(answerCell.address);
        answerCell.dataValidation = {
          type: "custom",
          allowBlank: true,
          showErrorMessage: true,
          errorTitle: "Bukan bilangan bulat",
          error: "Isi bilangan bulat ≥ 0 (ribuan boleh ditulis 1.000)",
          formulae: [`IFERROR(AND(${c}>=0,${c}=INT(${c})),FALSE)`],
        };
      }
      const formula = nilaiFormula(instrument, r, refs);
      if (formula !== null) {
        const node = score?.nodes[r.code === TOTAL_CODE ? "total" : r.code];
        const cell = row.getCell(l.nilai);
        cell.value = node ? { formula, result: node.value } : { formula };
        cell.numFmt = r.kind === "item" ? VALUE_FMT : NUM_FMT;
      }
    }
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.weight } };

  writeUtama(utama, data, scores.get("self") ?? null, rowOf, colLetter(cols.layers[0]!.nilai));
  writeMeta(meta, data);

  // Structure cells are locked, answer cells not: protection without a password guards against slips, not people.
  void sheet.protect("", {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
    autoFilter: true,
    sort: false,
  });
  void utama.protect("", { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true });
  return wb;
}

function writeMeta(ws: ExcelJS.Worksheet, data: LkeExportData): void {
  ws.addRow(["format", LKE_FORMAT]);
  ws.addRow(["instrument", data.instrument.id]);
  ws.addRow(["instrument_version", data.instrument.version]);
  ws.addRow(["instrument_hash", data.instrumentHash ?? ""]);
  ws.addRow(["assessment", data.assessment?.id ?? ""]);
  ws.addRow(["exported_at", data.exportedAt]);
  ws.addRow(["layers", data.layers.map((l) => l.layer).join(",") || "self"]);
  ws.addRow([]);
  ws.addRow(["item", "layer", "version", "updated_at"]);
  for (const l of data.layers) {
    for (const [id, a] of Object.entries(l.answers)) ws.addRow([id, l.layer, a.version, a.updatedAt ?? ""]);
  }
}
