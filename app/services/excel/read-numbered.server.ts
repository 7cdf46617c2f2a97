/*
 * The official KemenPANRB LKE workbooks (LKE ZI 90/2021 in its published variants, LKE PMPRB 14/2014),
 * which have no `Kode` column. Everything is found by meaning, never by position:
 * - the worksheet is the visible sheet whose header row has a `Jawaban` column (hidden sheets are
 *   recaps and evaluator notes, not the worksheet);
 * - answer, note and link columns come from their header texts (`Jawaban`, `Catatan…`, `Link`/`Bukti`),
 *   the link column from its content when it has no header; a workbook with several `Jawaban` columns
 *   (the PMPRB workbook's "PENILAIAN TAHUN 2015" and "… 2014") has one answer group per column;
 * - rows are recognised by their numbering (component letter, roman and arabic numerals, item letters
 *   or `-`) against the instrument's own tree, with the row's `Pilihan Jawaban` telling item rows
 *   ("Ya/Tidak", "A/B/C", "%", "Nilai (0-4)") from count rows ("Jumlah");
 * - a merge's text is read once, at its master cell (ExcelJS repeats it in every cell of the merge).
 * No item id or question text is known here: the tree, the letters and the input labels are data.
 * The header and columns are found in numbered-header.server.ts; texts are compared in numbered-text.ts.
 */
import type ExcelJS from "exceljs";
import type { Instrument, Item } from "~/domain/instrument/schema";
import { treeNodes, type TreeNode } from "~/domain/instrument/tree";
import { countsAnswer, linksIn, parseAnswerCell, parseCountCell, parseNoteCell, type CellValue } from "~/domain/lke/cells";
import { chooseGroup, colLetter, detectLinkColumn, norm, ownText, ownValue, type NumberedHeader } from "./numbered-header.server";
import { bareLabel, likeness, romanValue } from "./numbered-text";
import {
  cellIssue,
  lastValueRow,
  LkeError,
  lkeIssue,
  type AnswerGroup,
  type LkeIssue,
  type ParsedCell,
  type ParsedWorkbook,
  type UnmatchedRow,
} from "./sheet.server";

type Kind = "component" | "subcomponent" | "area" | "group" | "item" | "input" | "total" | "text";

interface CountRow {
  label: string;
  raw: CellValue;
  cell: string;
  note: string | null;
  links: string[];
}

interface Current {
  item: Item;
  groupWeight: number;
  cell: string;
  row: number;
  counts: CountRow[];
}

/**
 * Reads one answer group of a numbered LKE worksheet against the instrument. Every problem is
 * collected (sheet and cell named) and returned with what could be read; the caller throws.
 */
export function parseNumbered(
  header: NumberedHeader,
  instrument: Instrument,
  opts: { group?: string } = {},
): { parsed: ParsedWorkbook; issues: LkeIssue[] } {
  const { ws } = header;
  const chosen = chooseGroup(header.groups, opts.group, ws.name);
  const g = header.groups[chosen]!;
  const roots = treeNodes(instrument);
  const issues: LkeIssue[] = [];
  const unmatched: UnmatchedRow[] = [];
  const cells: ParsedCell[] = [];
  const last = lastValueRow(ws);
  const linkCol = g.link ?? detectLinkColumn(header, chosen, last);

  let component: TreeNode | null = null;
  let sub: TreeNode | null = null;
  let area: TreeNode | null = null;
  let group: TreeNode | null = null;
  let groupCol = 0;
  let letterCol = 0;
  let lettersInScope = 0;
  let current: Current | null = null;
  /** A group with one item whose answer may stand on the group's own row (PMPRB Hasil). */
  let single: { item: Item; groupWeight: number; row: number } | null = null;
  const seen = new Map<string, number>();
  let itemRows = 0;

  const addr = (r: number, c: number) => ws.getRow(r).getCell(c).address;
  const answerOf = (r: number) => ownValue(ws.getRow(r).getCell(g.answer));
  const noteOf = (r: number) => (g.note ? parseNoteCell(ownValue(ws.getRow(r).getCell(g.note))) : null);
  const linksOf = (r: number) => (linkCol ? linksIn(ownText(ws.getRow(r).getCell(linkCol))) : []);

  const finishCounts = () => {
    const cur = current;
    current = null;
    if (!cur || cur.item.type !== "percent") return;
    const inputs = cur.item.inputs ?? [];
    const target = cells.find((c) => c.itemId === cur.item.id)!;
    // Notes and links written on the count rows belong to the item too.
    const extraNotes = cur.counts.filter((c) => c.note).map((c) => `${c.label}: ${c.note}`);
    if (extraNotes.length) target.note = [target.note, ...extraNotes].filter(Boolean).join("\n");
    target.links = [...new Set([...target.links, ...cur.counts.flatMap((c) => c.links)])];
    // As many count rows as inputs: in order. Otherwise (sub-totals, nested headings) by label.
    const assigned = new Map<string, CountRow>();
    if (cur.counts.length === inputs.length) inputs.forEach((inp, i) => assigned.set(inp.name, cur.counts[i]!));
    else {
      const pairs = inputs.flatMap((inp) => cur.counts.map((row, i) => ({ inp, row, i, s: likeness(row.label, inp.label) })));
      pairs.sort((a, b) => b.s - a.s || a.i - b.i);
      const used = new Set<number>();
      for (const p of pairs) {
        if (p.s < 0.34 || assigned.has(p.inp.name) || used.has(p.i)) continue;
        assigned.set(p.inp.name, p.row);
        used.add(p.i);
      }
    }
    const counts: Record<string, number | null> = {};
    let ok = true;
    for (const inp of inputs) {
      const row = assigned.get(inp.name);
      if (!row) continue;
      const parsed = parseCountCell(inp, row.raw);
      if (!parsed.ok) {
        issues.push(cellIssue(ws.name, row.cell, cur.item.id, parsed));
        ok = false;
      } else counts[inp.name] = parsed.value;
    }
    if (!ok) return;
    const parsed = countsAnswer(cur.item, counts);
    if (!parsed.ok) issues.push(cellIssue(ws.name, cur.cell, cur.item.id, parsed));
    else target.value = parsed.value;
  };

  const takeItem = (item: Item, groupWeight: number, r: number) => {
    const where = addr(r, g.answer);
    const prior = seen.get(item.id);
    if (prior) {
      issues.push(lkeIssue(ws.name, where, "lke.issue.duplicateItem", { item: item.id, row: String(prior) }));
      return;
    }
    seen.set(item.id, r);
    itemRows++;
    const note = noteOf(r);
    const links = linksOf(r);
    if (item.type === "percent") {
      cells.push({ layer: "self", itemId: item.id, value: null, note, links, cell: where });
      current = { item, groupWeight, cell: where, row: r, counts: [] };
      return;
    }
    const parsed = parseAnswerCell(item, groupWeight, answerOf(r));
    if (!parsed.ok) issues.push(cellIssue(ws.name, where, item.id, parsed));
    else cells.push({ layer: "self", itemId: item.id, value: parsed.value, note, links, cell: where });
    current = { item, groupWeight, cell: where, row: r, counts: [] };
  };

  /** Closes a group whose only item was never given a row of its own: its answer stood on the group row. */
  const closeSingle = () => {
    if (single && !seen.has(single.item.id)) takeItem(single.item, single.groupWeight, single.row);
    single = null;
  };
  const finish = () => {
    finishCounts();
    closeSingle();
  };

  const hasSubs = (c: TreeNode | null) => !!c && c.children.some((x) => x.level === "subcomponent");
  const itemsUnder = (n: TreeNode): Item[] => [...(n.items ?? []), ...n.children.flatMap(itemsUnder)];

  for (let r = header.row + 1; r <= last; r++) {
    const row = ws.getRow(r);
    const parts: Array<{ c: number; t: string }> = [];
    for (let c = header.block[0]; c <= header.block[1]; c++) {
      const t = ownText(row.getCell(c));
      if (t) parts.push({ c, t });
    }
    const answer = answerOf(r);
    const typeText = header.typeColumn ? norm(ownText(row.getCell(header.typeColumn))) : "";
    if (parts.length === 0) {
      if (answer !== null && !isFormula(row.getCell(g.answer))) unmatched.push({ sheet: ws.name, row: r, code: null, text: "" });
      continue;
    }
    const head = parts[0]!.t;
    const headCol = parts[0]!.c;
    const rest = parts
      .slice(1)
      .map((p) => p.t)
      .join(" ");
    const joined = parts.map((p) => p.t).join(" ");
    const kind = classify(head, rest, typeText, !!header.typeColumn);

    if (kind === "total") {
      finish();
      // The grand total closes the worksheet: signatures and notes below it are not rows to read.
      if (/^(nilai evaluasi|nilai akhir|indeks)/.test(norm(head))) break;
      continue;
    }
    if (kind === "input") {
      const label = (head === "-" ? rest : joined).replace(/^-\s*/, "").trim();
      const cur = current as Current | null;
      if (cur && cur.item.type === "percent") {
        cur.counts.push({ label, raw: answer, cell: addr(r, g.answer), note: noteOf(r), links: linksOf(r) });
      } else if (answer !== null && !isFormula(row.getCell(g.answer)))
        unmatched.push({ sheet: ws.name, row: r, code: null, text: joined.slice(0, 120) });
      continue;
    }
    // A component: its letter ("A.", "B."), or its label.
    const letterUpper = /^([A-Z])\.?$/.exec(head);
    const bare = bareLabel(joined);
    const byLabel = roots.find((n) => bare === norm(n.label) || bareLabel(head) === norm(n.label));
    if ((letterUpper && !/^[IVX]$/.test(letterUpper[1]!)) || byLabel) {
      finish();
      component = byLabel ?? roots[letterUpper![1]!.charCodeAt(0) - 65] ?? null;
      sub = area = group = null;
      groupCol = letterCol = 0;
      lettersInScope = 0;
      if (!component) unmatched.push({ sheet: ws.name, row: r, code: head, text: joined.slice(0, 120) });
      continue;
    }
    if (!component) continue; // title rows above the first component
    const romanUpper = /^([IVXL]+)\.?$/.exec(head);
    if (romanUpper) {
      finish();
      const n = romanValue(romanUpper[1]!);
      if (hasSubs(component)) {
        const subs = component.children.filter((c) => c.level === "subcomponent");
        sub = subs.find((s) => bareLabel(rest) === norm(s.label)) ?? subs[n - 1] ?? null;
        area = group = null;
      } else {
        area = component.children.filter((c) => c.level === "area")[n - 1] ?? null;
        group = area?.items ? area : null;
      }
      groupCol = letterCol = 0;
      lettersInScope = 0;
      if (!sub && !area) unmatched.push({ sheet: ws.name, row: r, code: head, text: joined.slice(0, 120) });
      continue;
    }
    const arabic = /^(\d+)\.?$/.exec(head);
    if (arabic) {
      finish();
      const n = Number(arabic[1]);
      if (hasSubs(component)) {
        area = (sub ?? component).children.filter((c) => c.level === "area")[n - 1] ?? null;
        group = area?.items ? area : null;
        groupCol = letterCol = 0;
        if (!area) unmatched.push({ sheet: ws.name, row: r, code: head, text: joined.slice(0, 120) });
      } else {
        // No sub-components (PMPRB 2014): the area is numbered in roman, its sub-areas in arabic.
        group = area?.children[n - 1] ?? null;
        if (!group) unmatched.push({ sheet: ws.name, row: r, code: head, text: joined.slice(0, 120) });
        else openSingle(group, r);
      }
      continue;
    }
    const romanLower = /^([ivx]+)\.?$/.exec(head);
    const letter = /^([a-z])\.?$/.exec(head);
    const isDash = head === "-";
    // "i", "v", "x" are sub-area numerals and item letters alike: the column decides (numerals stand
    // where this area's first numeral stood, letters further right).
    const asGroup = !!romanLower && !!area && hasSubs(component) && (groupCol ? headCol <= groupCol : !(letterCol && headCol >= letterCol));
    if (romanLower && asGroup) {
      const n = romanValue(romanLower[1]!);
      const index = group ? area!.children.indexOf(group) + 1 : 0;
      if (group && n <= index) {
        // A numbered heading nested inside the current group (LHKPN's "i." under "iii."): not a new group.
        finishCounts();
        continue;
      }
      finish();
      group = area!.children[n - 1] ?? null;
      groupCol = headCol;
      letterCol = 0;
      if (!group) unmatched.push({ sheet: ws.name, row: r, code: head, text: joined.slice(0, 120) });
      else openSingle(group, r);
      continue;
    }
    if ((letter || isDash) && kind === "item") {
      finishCounts();
      let item: Item | undefined;
      let groupWeight = 0;
      if (group) {
        single = null;
        const items = group.items ?? [];
        item = isDash ? items.find((i) => !seen.has(i.id)) : items.find((i) => i.id.endsWith(`.${letter![1]}`));
        groupWeight = group.weight;
        if (!letterCol) letterCol = headCol;
      } else if (sub ?? component) {
        // Indicators lettered under their sub-component (ZI Hasil): the n-th letter is the n-th indicator.
        const scope = (sub ?? component)!;
        item = itemsUnder(scope)[lettersInScope++];
        groupWeight = item ? (findGroup(scope, item.id)?.weight ?? 0) : 0;
      }
      if (!item) {
        unmatched.push({ sheet: ws.name, row: r, code: head, text: joined.slice(0, 120) });
        continue;
      }
      takeItem(item, groupWeight, r);
      continue;
    }
    // An item printed without a letter (PMPRB's single question of "Penataan"): its row carries an answer type.
    if (kind === "item" && group && typeText && (group.items ?? []).some((i) => !seen.has(i.id))) {
      finishCounts();
      single = null;
      takeItem((group.items ?? []).find((i) => !seen.has(i.id))!, group.weight, r);
      continue;
    }
    // Headings without numbering (LHKASN under LHKPN) and notes: not worksheet rows.
    if (answer !== null && !isFormula(row.getCell(g.answer)))
      unmatched.push({ sheet: ws.name, row: r, code: null, text: joined.slice(0, 120) });
  }
  finish();

  function openSingle(node: TreeNode, r: number) {
    single = node.items && node.items.length === 1 ? { item: node.items[0]!, groupWeight: node.weight, row: r } : null;
    // Only when the group row itself carries an answer type or an answer (PMPRB Hasil rows).
    if (single) {
      const t = header.typeColumn ? ownText(ws.getRow(r).getCell(header.typeColumn)) : "";
      if (!t && answerOf(r) === null) single = null;
    }
  }

  const itemsTotal = [...roots].flatMap(itemsUnder).length;
  const answered = cells.filter((c) => c.value !== null).length;
  return {
    parsed: {
      cells,
      layers: ["self"],
      unmatched,
      sheet: ws.name,
      groups: header.groups.map<AnswerGroup>((x, index) => ({
        index,
        header: x.header,
        answerColumn: colLetter(x.answer),
        noteColumn: x.note ? colLetter(x.note) : null,
        linkColumn: index === chosen ? (linkCol ? colLetter(linkCol) : null) : x.link ? colLetter(x.link) : null,
      })),
      chosenGroup: chosen,
      recognised: { items: itemRows, itemsTotal, answered },
    },
    issues,
  };
}

function isFormula(cell: ExcelJS.Cell): boolean {
  const v = cell.value as unknown;
  return typeof v === "object" && v !== null && ("formula" in v || "sharedFormula" in v);
}

/** What a row is, from its first numbering token and the row's answer type. */
function classify(head: string, rest: string, typeText: string, hasType: boolean): Kind {
  const t = norm(head);
  if (/^(total|nilai evaluasi|jumlah nilai|nilai akhir)/.test(t)) return "total";
  if (hasType) {
    if (typeText === "jumlah") return "input";
    if (typeText) return "item";
  }
  if (/^-\s*\S/.test(head)) return "input";
  if (head === "-" && /^-\s/.test(rest)) return "input";
  if (/^([a-z])\.?$/.test(head)) return "item";
  if (head === "-") return hasType ? "text" : "item";
  return "text";
}

function findGroup(node: TreeNode, itemId: string): TreeNode | null {
  if (node.items?.some((i) => i.id === itemId)) return node;
  for (const c of node.children) {
    const g = findGroup(c, itemId);
    if (g) return g;
  }
  return null;
}

/** Throws the collected issues, if any. */
export function throwIssues(issues: LkeIssue[]): void {
  if (issues.length) throw new LkeError(issues);
}
