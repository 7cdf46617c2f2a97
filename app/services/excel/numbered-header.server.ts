/*
 * Where an official LKE worksheet keeps things, found by header texts (see read-numbered.server.ts for
 * the rows): the header row with its `Jawaban` columns, the numbering block (the `Penilaian` merge), and
 * per answer column group its note, link and answer-type columns and the header that names it
 * ("PENILAIAN TAHUN 2015"). Also how a cell is read once per merge.
 */
import type ExcelJS from "exceljs";
import type { CellValue } from "~/domain/lke/cells";
import { lkeMessage } from "~/domain/lke/issues";
import { cellValue, LkeError, lkeIssue } from "./sheet.server";

const MAX_HEADER_ROW = 30;

/** Lower case, letters and digits only, single spaces. */
export const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9%]+/g, " ")
    .trim();

/** Whether the cell is a merged cell other than the merge's top-left (master) one. */
export function isMergeSlave(cell: ExcelJS.Cell): boolean {
  return cell.isMerged && cell.master.address !== cell.address;
}

/** The text a cell shows itself: a merge's text only at its master cell. */
export function ownText(cell: ExcelJS.Cell): string {
  if (isMergeSlave(cell)) return "";
  const v = cellValue(cell);
  return v === null ? "" : String(v).trim();
}

/** The value a cell holds itself (a merge's value only at its master cell). */
export function ownValue(cell: ExcelJS.Cell): CellValue {
  return isMergeSlave(cell) ? null : cellValue(cell);
}

export interface NumberedHeader {
  ws: ExcelJS.Worksheet;
  row: number;
  /** Columns holding the numbering and the texts (the `Penilaian` merge), inclusive. */
  block: [number, number];
  /** The `Pilihan Jawaban` column of the first group (tells item rows from count rows), or null. */
  typeColumn: number | null;
  groups: Array<{ header: string; answer: number; note: number | null; link: number | null; type: number | null }>;
}

const KNOWN = /^(pilihan jawaban|nilai|bobot|penjelasan|catatan|keterangan|%)/;
const BLOCK = /^(penilaian|komponen|uraian|indikator|kriteria)/;
const LINK = /^(link|tautan|url|bukti)/;

/** The header row of a numbered LKE worksheet: a `Jawaban` column beside another known LKE header. */
export function findNumberedHeader(ws: ExcelJS.Worksheet): NumberedHeader | null {
  const last = Math.min(MAX_HEADER_ROW, ws.rowCount);
  for (let r = 1; r <= last; r++) {
    const row = ws.getRow(r);
    const cols: Array<{ c: number; t: string }> = [];
    const width = Math.min(ws.columnCount, 200);
    for (let c = 1; c <= width; c++) {
      const t = norm(ownText(row.getCell(c)));
      if (t) cols.push({ c, t });
    }
    const answers = cols.filter((x) => x.t === "jawaban").map((x) => x.c);
    if (answers.length === 0 || !cols.some((x) => KNOWN.test(x.t))) continue;
    // The numbering block: the `Penilaian` header and the columns its merge spans.
    let block: [number, number] | null = null;
    const blockHead = cols.find((x) => BLOCK.test(x.t) && x.c < answers[0]!);
    if (blockHead) {
      const master = row.getCell(blockHead.c).address;
      let end = blockHead.c;
      while (end + 1 < answers[0]! && row.getCell(end + 1).isMerged && row.getCell(end + 1).master.address === master) end++;
      if (end === blockHead.c) {
        // Not merged: up to the next known header.
        const next = cols.find((x) => x.c > blockHead.c && (KNOWN.test(x.t) || x.t === "jawaban" || LINK.test(x.t)));
        end = (next?.c ?? answers[0]!) - 1;
      }
      block = [blockHead.c, end];
    } else {
      const next = cols.find((x) => KNOWN.test(x.t) || x.t === "jawaban");
      block = [1, (next?.c ?? answers[0]!) - 1];
    }
    const groups: NumberedHeader["groups"] = answers.map((answer, i) => {
      const end = answers[i + 1] ?? width + 1;
      const inRange = cols.filter((x) => x.c > answer && x.c < end);
      const start = i === 0 ? block![1] : answers[i - 1]!;
      const type = [...cols].reverse().find((x) => x.t === "pilihan jawaban" && x.c < answer && x.c > start)?.c ?? null;
      return {
        header: "Jawaban",
        answer,
        note: inRange.find((x) => x.t.startsWith("catatan"))?.c ?? null,
        link: inRange.find((x) => LINK.test(x.t))?.c ?? null,
        type,
      };
    });
    if (groups.length > 1) {
      // Several answer columns: each is headed by what stands above it (e.g. "PENILAIAN TAHUN 2015").
      const labels = groups.map((g) => {
        for (let up = r - 1; up >= 1; up--) {
          const cell = ws.getRow(up).getCell(g.answer);
          const t = String(cellValue(cell.master) ?? "").trim();
          if (t) return t.replace(/\s+/g, " ");
        }
        return "";
      });
      const distinct = new Set(labels).size === labels.length && labels.every(Boolean);
      groups.forEach((g, i) => (g.header = distinct ? labels[i]! : `Jawaban (kolom ${colLetter(g.answer)})`));
    } else {
      groups[0]!.header = ownText(row.getCell(groups[0]!.answer)) || "Jawaban";
    }
    return { ws, row: r, block, typeColumn: groups[0]!.type, groups };
  }
  return null;
}

export function colLetter(c: number): string {
  let s = "";
  for (let n = c; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The chosen group's index: by header text (whole or part), column letter, or 1-based number; default the first. */
export function chooseGroup(groups: Array<{ header: string; answer: number }>, wanted: string | undefined, sheet: string): number {
  if (!wanted) return 0;
  const w = wanted.trim();
  const byHeader = groups.findIndex((g) => norm(g.header) === norm(w));
  if (byHeader >= 0) return byHeader;
  const byLetter = groups.findIndex((g) => colLetter(g.answer) === w.toUpperCase());
  if (byLetter >= 0) return byLetter;
  if (/^\d+$/.test(w) && Number(w) >= 1 && Number(w) <= groups.length) return Number(w) - 1;
  const partial = groups.map((g, i) => (norm(g.header).includes(norm(w)) ? i : -1)).filter((i) => i >= 0);
  if (partial.length === 1) return partial[0]!;
  throw new LkeError([
    lkeIssue(sheet, null, "lke.issue.unknownGroup", {
      group: wanted,
      groups: groups.map((g) => lkeMessage("lke.issue.group", { header: g.header, column: colLetter(g.answer) })),
    }),
  ]);
}

/** The column of the group that holds the most http(s) links (the official ZI workbook's link column has no header). */
export function detectLinkColumn(header: NumberedHeader, chosen: number, last: number): number | null {
  const g = header.groups[chosen]!;
  // Anywhere between the previous group (or the numbering) and the next group: the 2026 variant keeps it left of the answer.
  const start = (header.groups[chosen - 1]?.answer ?? header.block[1]) + 1;
  const end = header.groups[chosen + 1]?.answer ?? Math.min(header.ws.columnCount, 200) + 1;
  const counts = new Map<number, number>();
  for (let r = header.row + 1; r <= last; r++) {
    const row = header.ws.getRow(r);
    for (let c = start; c < end; c++) {
      if (c === g.note || c === g.answer || c === g.type) continue;
      if (/https?:\/\//i.test(ownText(row.getCell(c)))) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  let best: number | null = null;
  for (const [c, n] of counts) if (best === null || n > counts.get(best)!) best = c;
  return best;
}
