/*
 * Reads an LKE workbook: vets the bytes (an .xlsx, no macros, no zip bomb, bounded sheets), finds
 * the layout (Cermin's own, with a `Kode` column, or the official KemenPANRB LKE ZI workbook, read in
 * read-official.server.ts), and turns cells into answers against the assessment's instrument.
 * Every problem names the sheet and the cell; nothing here writes.
 */
import ExcelJS from "exceljs";
import type { Instrument, Item } from "~/domain/instrument/schema";
import { countsAnswer, linksIn, parseAnswerCell, parseCountCell, parseNoteCell } from "~/domain/lke/cells";
import {
  HEADERS,
  INPUT_SEPARATOR,
  layerHeader,
  LAYER_SUFFIX,
  LKE_FORMAT,
  lkeRows,
  META_SHEET,
  TOTAL_CODE,
  type LkeLayer,
} from "~/domain/lke/layout";
import { colLetter, findNumberedHeader, ownText, type NumberedHeader } from "./numbered-header.server";
import { parseNumbered, throwIssues } from "./read-numbered.server";
import {
  cellIssue,
  cellValue,
  lastValueRow,
  LkeError,
  lkeIssue,
  text,
  type AnswerGroup,
  type LkeIssue,
  type ParsedCell,
  type ParsedWorkbook,
  type UnmatchedRow,
} from "./sheet.server";
import { stripPadding } from "./strip-padding.server";
import { vetXlsx } from "./xlsx-scan.server";
import { type ZipLimits } from "./zip.server";

export { cellValue, issueText, LkeError, type LkeIssue, type ParsedCell, type ParsedWorkbook, type UnmatchedRow } from "./sheet.server";

export const WORKBOOK_LIMITS: ZipLimits & { rows: number; cells: number } = {
  entryBytes: 32 * 1024 * 1024,
  totalBytes: 64 * 1024 * 1024,
  entries: 2000,
  rows: 20_000,
  cells: 400_000,
};

export interface WorkbookMeta {
  format: string | null;
  instrumentId: string | null;
  instrumentVersion: string | null;
  instrumentHash: string | null;
  assessmentId: string | null;
  exportedAt: string | null;
}

export interface OpenedWorkbook {
  layout: "cermin" | "official";
  wb: ExcelJS.Workbook;
  /** The worksheet holding the answers (found by its header row, not its name). */
  ws: ExcelJS.Worksheet;
  /** The official layout's header (columns found by their header texts). */
  numbered: NumberedHeader | null;
  meta: WorkbookMeta;
  /** `${layer}:${itemId}` → the answer's version when the workbook was exported. */
  versions: Map<string, number>;
}

export async function openWorkbook(bytes: Uint8Array, fileName = "workbook.xlsx"): Promise<OpenedWorkbook> {
  // Vetted on the bytes before ExcelJS builds anything: zip limits, ODS/.xls/macros, and rows and
  // cells holding values counted as each sheet streams by (xlsx-scan.server.ts).
  const scan = await vetXlsx(bytes, fileName, WORKBOOK_LIMITS);
  // LibreOffice's padding (empty cells to column XFD) is removed first: ExcelJS would build every one.
  bytes = await stripPadding(bytes, scan.sheets);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch (e) {
    // ExcelJS's own words stay as they are, inside the message.
    throw new LkeError([lkeIssue(null, null, "lke.issue.unreadable", { file: fileName, error: e instanceof Error ? e.message : String(e) })]);
  }
  const meta: WorkbookMeta = {
    format: null,
    instrumentId: null,
    instrumentVersion: null,
    instrumentHash: null,
    assessmentId: null,
    exportedAt: null,
  };
  const versions = new Map<string, number>();
  const hidden = wb.getWorksheet(META_SHEET);
  if (hidden) {
    let table = false;
    hidden.eachRow((row) => {
      const k = text(row.getCell(1));
      const v = text(row.getCell(2));
      if (k === "item") {
        table = true;
        return;
      }
      if (table) {
        const version = Number(cellValue(row.getCell(3)));
        if (k && v && Number.isFinite(version)) versions.set(`${v}:${k}`, version);
        return;
      }
      if (k === "format") meta.format = v || null;
      if (k === "instrument") meta.instrumentId = v || null;
      if (k === "instrument_version") meta.instrumentVersion = v || null;
      if (k === "instrument_hash") meta.instrumentHash = v || null;
      if (k === "assessment") meta.assessmentId = v || null;
      if (k === "exported_at") meta.exportedAt = v || null;
    });
  }
  // The worksheet is found by its header row, not its name: Cermin's own (`Kode` and `Jawaban`) first,
  // then the official LKE (`Jawaban` beside `Pilihan Jawaban`, `Nilai`, `Catatan`…). Hidden sheets are
  // recaps and evaluator notes, never the worksheet.
  const visible = wb.worksheets.filter((w) => w.state === "visible" || w.state === undefined);
  const cerminSheet = visible.find((w) => findHeader(w) !== null) ?? null;
  let numbered: NumberedHeader | null = null;
  if (!cerminSheet) {
    for (const w of visible) {
      numbered = findNumberedHeader(w);
      if (numbered) break;
    }
  }
  const layout = cerminSheet ? "cermin" : numbered ? "official" : null;
  if (!layout) {
    const hidden = wb.worksheets.filter((w) => !visible.includes(w)).map((w) => w.name);
    const params = { sheets: visible.map((w) => `"${w.name}"`), answer: HEADERS.answer, code: HEADERS.code };
    throw new LkeError([
      hidden.length
        ? lkeIssue(null, null, "lke.issue.noWorksheetHidden", { ...params, hidden })
        : lkeIssue(null, null, "lke.issue.noWorksheet", params),
    ]);
  }
  const ws = cerminSheet ?? numbered!.ws;
  const utama = wb.getWorksheet("Utama");
  if (layout === "cermin" && !meta.instrumentId && utama) {
    // A workbook without the hidden sheet (e.g. copied into a new file): the Utama sheet says which instrument.
    utamaMeta(utama, meta);
  }
  if (meta.format && meta.format !== LKE_FORMAT) {
    throw new LkeError([lkeIssue(META_SHEET, "B1", "lke.issue.unknownFormat", { format: meta.format, expected: LKE_FORMAT })]);
  }
  return { layout, wb, ws, numbered, meta, versions };
}

function utamaMeta(ws: ExcelJS.Worksheet, meta: WorkbookMeta): void {
  ws.eachRow((row) => {
    const k = text(row.getCell(1));
    const v = text(row.getCell(2)) || null;
    if (k === "Instrumen") meta.instrumentId = v;
    if (k === "Versi instrumen") meta.instrumentVersion = v;
    if (k === "Hash instrumen") meta.instrumentHash = v;
    if (k === "Id penilaian") meta.assessmentId = v;
  });
}

interface Header {
  row: number;
  columns: Map<string, number>;
}

function findHeader(ws: ExcelJS.Worksheet): Header | null {
  for (let r = 1; r <= Math.min(10, ws.rowCount); r++) {
    const columns = new Map<string, number>();
    ws.getRow(r).eachCell((cell, c) => {
      const t = text(cell).toLowerCase();
      if (t && !columns.has(t)) columns.set(t, c);
    });
    if (columns.has(HEADERS.code.toLowerCase()) && columns.has(HEADERS.answer.toLowerCase())) return { row: r, columns };
  }
  return null;
}

/** Any cell of a merge (its top-left one too): an answer cell in a merge cannot be read or validated reliably. */
function mergedOver(ws: ExcelJS.Worksheet, row: number, col: number): boolean {
  const cell = ws.getRow(row).getCell(col);
  return cell.isMerged;
}

/**
 * The answers in the workbook, checked against the instrument. Collects every problem and throws
 * them together (nothing is applied when any cell is wrong); rows that name no item are returned.
 */
export function parseWorkbook(opened: OpenedWorkbook, instrument: Instrument, opts: { group?: string } = {}): ParsedWorkbook {
  const { parsed, issues } = tryParseWorkbook(opened, instrument, opts);
  throwIssues(issues);
  return parsed;
}

/** The answers and every problem found, without throwing (to compare candidate instruments). */
export function tryParseWorkbook(
  opened: OpenedWorkbook,
  instrument: Instrument,
  opts: { group?: string } = {},
): { parsed: ParsedWorkbook; issues: LkeIssue[] } {
  // Cermin's layout reads every layer at once: a group choice applies to official workbooks only (the
  // importer keeps the layers the user may see).
  return opened.layout === "cermin" ? parseCermin(opened.ws, instrument) : parseNumbered(opened.numbered!, instrument, opts);
}

function parseCermin(ws: ExcelJS.Worksheet, instrument: Instrument): { parsed: ParsedWorkbook; issues: LkeIssue[] } {
  const header = findHeader(ws)!;
  const col = (name: string) => header.columns.get(name.toLowerCase());
  const codeCol = col(HEADERS.code)!;
  const layers: Array<{ layer: LkeLayer; answer: number; note?: number }> = [];
  for (const layer of ["self", ...Object.keys(LAYER_SUFFIX)] as LkeLayer[]) {
    const answer = col(layerHeader("answer", layer));
    if (answer) layers.push({ layer, answer, note: col(layerHeader("note", layer)) });
  }
  const evidenceCol = col(HEADERS.evidence);
  const rows = lkeRows(instrument);
  const items = new Map<string, { item: Item; groupWeight: number }>();
  const nodeCodes = new Set<string>();
  for (const r of rows) {
    if (r.kind === "item") items.set(r.code, { item: r.item, groupWeight: r.groupWeight });
    if (r.kind === "node") nodeCodes.add(r.code);
  }
  const issues: LkeIssue[] = [];
  const unmatched: UnmatchedRow[] = [];
  const seen = new Map<string, string>();
  const cells: ParsedCell[] = [];
  const counts = new Map<string, Record<string, number | null>>();
  const itemCell = new Map<string, string>();
  const addr = (r: number, c: number) => ws.getRow(r).getCell(c).address;

  const last = lastValueRow(ws);
  const itemRows = new Set<string>();
  for (let r = header.row + 1; r <= last; r++) {
    const row = ws.getRow(r);
    const code = ownText(row.getCell(codeCol));
    if (!code) {
      const anything = layers.some((l) => cellValue(row.getCell(l.answer)) !== null);
      if (anything) unmatched.push({ sheet: ws.name, row: r, code: null, text: text(row.getCell(codeCol + 1)).slice(0, 120) });
      continue;
    }
    const prior = seen.get(code);
    if (prior) {
      issues.push(lkeIssue(ws.name, addr(r, codeCol), "lke.issue.duplicateCode", { code, prior }));
      continue;
    }
    seen.set(code, addr(r, codeCol));
    if (nodeCodes.has(code) || code === TOTAL_CODE) continue;
    const hash = code.indexOf(INPUT_SEPARATOR);
    if (hash > 0) {
      const itemId = code.slice(0, hash);
      const name = code.slice(hash + 1);
      const input = items.get(itemId)?.item.inputs?.find((i) => i.name === name);
      if (!input) {
        unmatched.push({ sheet: ws.name, row: r, code, text: text(row.getCell(codeCol + 1)).slice(0, 120) });
        continue;
      }
      for (const l of layers) {
        if (mergedOver(ws, r, l.answer)) {
          issues.push(lkeIssue(ws.name, addr(r, l.answer), "lke.issue.merged"));
          continue;
        }
        const parsed = parseCountCell(input, cellValue(row.getCell(l.answer)));
        if (!parsed.ok) issues.push(cellIssue(ws.name, addr(r, l.answer), itemId, parsed));
        else {
          const key = `${l.layer}:${itemId}`;
          const c = counts.get(key) ?? {};
          c[name] = parsed.value;
          counts.set(key, c);
        }
      }
      continue;
    }
    const known = items.get(code);
    if (!known) {
      unmatched.push({ sheet: ws.name, row: r, code, text: text(row.getCell(codeCol + 1)).slice(0, 120) });
      continue;
    }
    itemRows.add(code);
    const links = evidenceCol ? linksIn(text(row.getCell(evidenceCol))) : [];
    for (const l of layers) {
      const where = addr(r, l.answer);
      itemCell.set(`${l.layer}:${code}`, where);
      const note = l.note ? parseNoteCell(cellValue(row.getCell(l.note))) : null;
      if (known.item.type === "percent") {
        cells.push({ layer: l.layer, itemId: code, value: null, note, links: l.layer === "self" ? links : [], cell: where });
        continue;
      }
      if (mergedOver(ws, r, l.answer)) {
        issues.push(lkeIssue(ws.name, where, "lke.issue.merged"));
        continue;
      }
      const parsed = parseAnswerCell(known.item, known.groupWeight, cellValue(row.getCell(l.answer)));
      if (!parsed.ok) issues.push(cellIssue(ws.name, where, code, parsed));
      else cells.push({ layer: l.layer, itemId: code, value: parsed.value, note, links: l.layer === "self" ? links : [], cell: where });
    }
  }
  // Ratio items take their answer from the counts below them.
  for (const c of cells) {
    const item = items.get(c.itemId)!.item;
    if (item.type !== "percent") continue;
    const parsed = countsAnswer(item, counts.get(`${c.layer}:${c.itemId}`) ?? {});
    if (!parsed.ok) issues.push(cellIssue(ws.name, c.cell, c.itemId, parsed));
    else c.value = parsed.value;
  }
  const groups: AnswerGroup[] = layers.map((l, index) => ({
    index,
    header: layerHeader("answer", l.layer),
    answerColumn: colLetter(l.answer),
    noteColumn: l.note ? colLetter(l.note) : null,
    linkColumn: evidenceCol ? colLetter(evidenceCol) : null,
  }));
  const itemsTotal = rows.filter((r) => r.kind === "item").length;
  return {
    parsed: {
      cells,
      layers: layers.map((l) => l.layer),
      unmatched,
      sheet: ws.name,
      groups,
      chosenGroup: null,
      recognised: { items: itemRows.size, itemsTotal, answered: cells.filter((c) => c.layer === "self" && c.value !== null).length },
    },
    issues,
  };
}
