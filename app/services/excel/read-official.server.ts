/*
 * The official KemenPANRB LKE ZI workbook, which has no `Kode` column: rows are recognised by their
 * numbering against the instrument's own tree (labels, numerals, letters), not by row numbers.
 */
import type ExcelJS from "exceljs";
import type { Instrument, Item } from "~/domain/instrument/schema";
import { treeNodes, type TreeNode } from "~/domain/instrument/tree";
import { countsAnswer, linksIn, parseAnswerCell, parseCountCell, parseNoteCell } from "~/domain/lke/cells";
import { cellValue, LkeError, text, type LkeIssue, type ParsedCell, type ParsedWorkbook, type UnmatchedRow } from "./sheet.server";

/** Whether the sheet looks like the official workbook (its section rows in C–G). */
export function isOfficial(ws: ExcelJS.Worksheet): boolean {
  for (let r = 1; r <= Math.min(80, ws.rowCount); r++) {
    for (let c = 3; c <= 7; c++) if (OFFICIAL_MARKERS.test(text(ws.getRow(r).getCell(c)))) return true;
  }
  return false;
}

const OFFICIAL_MARKERS = /^(a\.\s*)?pengungkit$|^pemenuhan$|^(b\.\s*)?hasil$|^reform$/i;

// The official KemenPANRB workbook: numbering and texts in C–G, the unit's answer in N, the
// evidence link in M, notes in Q (the positions its public readers use).
const OFFICIAL = { first: 3, last: 7, answer: 14, link: 13, note: 17 } as const;

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

export function parseOfficial(wb: ExcelJS.Workbook, instrument: Instrument): ParsedWorkbook {
  const ws = wb.getWorksheet("Jawaban")!;
  const roots = treeNodes(instrument);
  const issues: LkeIssue[] = [];
  const unmatched: UnmatchedRow[] = [];
  const cells: ParsedCell[] = [];
  let component: TreeNode | null = null;
  let sub: TreeNode | null = null; // subcomponent, when the component has them
  let area: TreeNode | null = null;
  let group: TreeNode | null = null;
  let current: { item: Item; groupWeight: number; cell: string; counts: Record<string, number | null>; inputs: number } | null = null;
  let lettersInSub = 0;
  const seen = new Map<string, number>();

  const finish = () => {
    if (current && current.item.type === "percent") {
      const parsed = countsAnswer(current.item, current.counts);
      const c = cells.find((x) => x.itemId === current!.item.id);
      if (!parsed.ok) issues.push({ sheet: ws.name, cell: current.cell, message: `${current.item.id}: ${parsed.message}` });
      else if (c) c.value = parsed.value;
    }
    current = null;
  };
  const areasOf = (n: TreeNode | null) => (n ? n.children.filter((c) => c.level === "area") : []);
  const itemsUnder = (n: TreeNode): Item[] => [...(n.items ?? []), ...n.children.flatMap(itemsUnder)];

  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const parts: string[] = [];
    let headCol = 0;
    for (let c = OFFICIAL.first; c <= OFFICIAL.last; c++) {
      const t = text(row.getCell(c));
      if (t && parts.length === 0) headCol = c;
      if (t) parts.push(t);
    }
    const answerRaw = cellValue(row.getCell(OFFICIAL.answer));
    if (parts.length === 0) {
      if (answerRaw !== null) unmatched.push({ sheet: ws.name, row: r, code: null, text: "" });
      continue;
    }
    const head = parts[0]!;
    const joined = parts.join(" ");
    // Section and sub-component rows, matched against the instrument's own labels.
    const bare = norm(joined).replace(/^([ivx]+|[a-z]) /, "");
    const compMatch = roots.find((n) => bare === norm(n.label));
    if (compMatch) {
      finish();
      component = compMatch;
      sub = null;
      area = null;
      group = null;
      lettersInSub = 0;
      continue;
    }
    // Title and header rows above the first section are not worksheet rows.
    if (!component) continue;
    const subs = component.children.filter((c) => c.level === "subcomponent");
    const subMatch = subs.find((n) => bare === norm(n.label));
    const romanUpper = /^([IVX]+)\.?$/.exec(head);
    if (subMatch || (romanUpper && subs.length && !area)) {
      finish();
      sub = subMatch ?? subs[romanValue(romanUpper![1]!.toLowerCase()) - 1] ?? null;
      area = null;
      group = null;
      lettersInSub = 0;
      continue;
    }
    const areaNum = /^(\d+)\.?$/.exec(head);
    if (areaNum) {
      finish();
      const candidates = areasOf(sub ?? component);
      area = candidates[Number(areaNum[1]) - 1] ?? null;
      group = area?.items ? area : null;
      if (!area) unmatched.push({ sheet: ws.name, row: r, code: head, text: joined.slice(0, 120) });
      continue;
    }
    const roman = /^([ivx]+)\.?$/.exec(head);
    // "i" is both a sub-area numeral and an item letter: the item letter stands further right (column F).
    const itemColumn = headCol >= 6 && group !== null;
    if (roman && area && !itemColumn) {
      finish();
      group = area.children[romanValue(roman[1]!) - 1] ?? null;
      if (!group) unmatched.push({ sheet: ws.name, row: r, code: head, text: joined.slice(0, 120) });
      continue;
    }
    if (head.startsWith("- ") || (head === "-" && parts.length > 1 && parts[1]!.startsWith("- "))) {
      // A helper row of a ratio item: "- Jumlah …" with its count in N.
      if (current && current.item.type === "percent" && current.inputs < (current.item.inputs?.length ?? 0)) {
        const input = current.item.inputs![current.inputs++]!;
        const parsed = parseCountCell(input, answerRaw);
        if (!parsed.ok)
          issues.push({ sheet: ws.name, cell: row.getCell(OFFICIAL.answer).address, message: `${current.item.id}: ${parsed.message}` });
        else current.counts[input.name] = parsed.value;
      } else if (answerRaw !== null) unmatched.push({ sheet: ws.name, row: r, code: null, text: joined.slice(0, 120) });
      continue;
    }
    const letter = /^([a-z]|-)\.?$/.exec(head);
    if (letter) {
      finish();
      const l = letter[1] === "-" ? "a" : letter[1]!;
      let item: Item | undefined;
      let groupWeight = 0;
      if (group) {
        item = group.items?.find((i) => i.id.endsWith(`.${l}`));
        groupWeight = group.weight;
      } else if (sub ?? component) {
        // Hasil indicators are lettered under their sub-component: the n-th letter is the n-th indicator.
        const scope = (sub ?? component)!;
        const all = itemsUnder(scope);
        item = all[lettersInSub];
        lettersInSub++;
        groupWeight = item ? (findGroup(scope, item.id)?.weight ?? 0) : 0;
      }
      if (!item) {
        unmatched.push({ sheet: ws.name, row: r, code: head, text: joined.slice(0, 120) });
        continue;
      }
      const where = row.getCell(OFFICIAL.answer).address;
      const prior = seen.get(item.id);
      if (prior) {
        issues.push({ sheet: ws.name, cell: where, message: `${item.id} muncul dua kali (juga di baris ${prior})` });
        continue;
      }
      seen.set(item.id, r);
      const note = parseNoteCell(cellValue(row.getCell(OFFICIAL.note)));
      const links = linksIn(text(row.getCell(OFFICIAL.link)));
      if (item.type === "percent") {
        cells.push({ layer: "self", itemId: item.id, value: null, note, links, cell: where });
        current = { item, groupWeight, cell: where, counts: {}, inputs: 0 };
        continue;
      }
      const parsed = parseAnswerCell(item, groupWeight, answerRaw);
      if (!parsed.ok) issues.push({ sheet: ws.name, cell: where, message: `${item.id}: ${parsed.message}` });
      else cells.push({ layer: "self", itemId: item.id, value: parsed.value, note, links, cell: where });
      current = { item, groupWeight, cell: where, counts: {}, inputs: 0 };
      continue;
    }
    if (answerRaw !== null) unmatched.push({ sheet: ws.name, row: r, code: null, text: joined.slice(0, 120) });
  }
  finish();
  if (issues.length) throw new LkeError(issues);
  return { cells, layers: ["self"], unmatched };
}

function findGroup(node: TreeNode, itemId: string): TreeNode | null {
  if (node.items?.some((i) => i.id === itemId)) return node;
  for (const c of node.children) {
    const g = findGroup(c, itemId);
    if (g) return g;
  }
  return null;
}

function romanValue(s: string): number {
  const v: Record<string, number> = { i: 1, v: 5, x: 10 };
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const a = v[s[i]!] ?? 0;
    const b = v[s[i + 1] ?? ""] ?? 0;
    total += a < b ? -a : a;
  }
  return total;
}
