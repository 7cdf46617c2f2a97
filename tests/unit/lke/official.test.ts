/**
 * Reading the official KemenPANRB LKE ZI workbook (no `Kode` column): sheets `Utama` and `Jawaban`,
 * numbering and texts across columns C–G (component, sub-component, area `1.`, sub-area `i.`, item
 * letter, question), the unit's answer in N, the evidence link in M, notes in Q, "- Jumlah …" helper
 * rows for ratio inputs, reform items printed with a dash, Hasil indicators lettered under their
 * sub-component. The fixture is generated from the instrument in that layout (the real file is not
 * in the repository), with the section texts in capitals as printed and rows at arbitrary offsets.
 */
import ExcelJS from "exceljs";
import { expect, test } from "vitest";
import type { Instrument, Item } from "~/domain/instrument/schema";
import { treeNodes, type TreeNode } from "~/domain/instrument/tree";
import type { Answers } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { readWorkbookAnswers } from "~/services/excel/score-workbook.server";
import { loadInstruments } from "~/services/instruments/catalog.server";
import { randomAnswers } from "../scoring/random-answers";

const instruments = loadInstruments().map((l) => l.instrument);
const zi = instruments.find((i) => i.id === "zi-2021")!;
const ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];

/** Writes the official layout: C–G hierarchy, M link, N answer, Q note. */
async function officialWorkbook(instrument: Instrument, answers: Answers, opts: { dashFor?: Set<string>; junk?: boolean } = {}) {
  const wb = new ExcelJS.Workbook();
  const utama = wb.addWorksheet("Utama");
  utama.addRow(["LEMBAR KERJA EVALUASI ZONA INTEGRITAS"]);
  const ws = wb.addWorksheet("Jawaban");
  ws.addRow(["LEMBAR KERJA EVALUASI"]);
  ws.addRow([]);
  ws.addRow(["NO", "", "KOMPONEN", "", "", "", "", "", "", "", "", "", "BUKTI", "JAWABAN", "NILAI", "", "CATATAN"]);
  let r = 5;
  const put = (cells: Record<number, ExcelJS.CellValue>) => {
    const row = ws.getRow(r++);
    for (const [c, v] of Object.entries(cells)) row.getCell(Number(c)).value = v;
  };
  const item = (id: string, letter: string, question: string) => {
    const a = answers[id];
    const link = `https://drive.example.go.id/${id}`;
    if (a !== null && a !== undefined && typeof a === "object") {
      put({ 6: letter, 7: question, 13: link, 17: `catatan ${id}` });
      const it = findItem(instrument, id)!;
      for (const input of it.inputs ?? []) {
        const n = a[input.name];
        put({ 7: `- Jumlah ${input.label}`, 14: n === undefined ? null : String(n) });
      }
      return;
    }
    // Numbers as the Indonesian Excel shows text: a decimal comma; letters in lower case.
    const shown = typeof a === "number" ? String(a).replace(".", ",") : typeof a === "string" ? a.toLowerCase() : null;
    put({ 6: letter, 7: question, 13: link, 14: shown, 17: `catatan ${id}` });
  };
  roots(instrument).forEach((comp, ci) => {
    put({ 3: `${String.fromCharCode(65 + ci)}.`, 4: comp.label.toUpperCase() });
    comp.children.forEach((sub, si) => {
      // Pengungkit sub-components by their printed name; Hasil ones by numeral with the official wording.
      if (comp.children.some((c) => c.children.some((a) => a.children.length > 0))) put({ 3: `${ROMAN[si]}.`, 4: sub.label.toUpperCase() });
      else put({ 3: `${ROMAN[si]}.`, 4: `TERWUJUDNYA SASARAN ${si + 1}` });
      for (const area of sub.children) {
        const areaNo = sub.children.indexOf(area) + 1;
        if (area.items) {
          // Hasil: each indicator a letter under its sub-component (no area numeral).
          for (const it of area.items) item(it.id, `${"abcdefgh"[lettersSoFar(sub, it.id)]}.`, it.question);
          continue;
        }
        put({ 4: `${areaNo}.`, 5: area.label });
        area.children.forEach((group, gi) => {
          put({ 5: `${ROMAN[gi]!.toLowerCase()}.`, 6: group.label });
          for (const it of group.items ?? []) {
            const letter = opts.dashFor?.has(it.id) ? "-" : `${it.id.split(".").pop()}.`;
            item(it.id, letter, it.question);
          }
        });
      }
    });
  });
  if (opts.junk) put({ 7: "Baris tambahan tanpa nomor", 14: "Ya" });
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const roots = (i: Instrument) => treeNodes(i);
function findItem(i: Instrument, id: string): Item | undefined {
  const walk = (n: TreeNode): Item | undefined => n.items?.find((x) => x.id === id) ?? n.children.map(walk).find(Boolean);
  return roots(i).map(walk).find(Boolean);
}
function lettersSoFar(sub: TreeNode, id: string): number {
  const ids = sub.children.flatMap((a) => (a.items ?? []).map((x) => x.id));
  return ids.indexOf(id);
}

test("the official layout maps every row to its item: the same answers, notes and links, the same score", async () => {
  for (const seed of [3, 11, 42]) {
    const answers = Object.fromEntries(
      Object.entries(randomAnswers(zi, seed)).filter(([, v]) => v !== null && (typeof v !== "number" || v <= 4)),
    );
    const bytes = await officialWorkbook(zi, answers, { dashFor: new Set(["A.II.1.ii.a", "A.II.2.i.a"]) });
    const read = await readWorkbookAnswers(bytes, "LKE ZI resmi.xlsx", instruments);
    expect(read.layout).toBe("official");
    expect(read.instrument.id).toBe("zi-2021");
    expect(read.answers).toEqual(answers);
    expect(read.parsed.unmatched).toEqual([]);
    const first = read.parsed.cells.find((c) => c.itemId === "A.I.1.i.a")!;
    expect(first.note).toBe("catatan A.I.1.i.a");
    expect(first.links).toEqual(["https://drive.example.go.id/A.I.1.i.a"]);
    expect(scoreAssessment(zi, read.answers).total).toBe(scoreAssessment(zi, answers).total);
  }
});

test("rows that map to no item are listed, not dropped silently", async () => {
  const bytes = await officialWorkbook(zi, { "A.I.1.i.a": "Ya" }, { junk: true });
  const read = await readWorkbookAnswers(bytes, "resmi.xlsx", instruments);
  expect(read.answers).toEqual({ "A.I.1.i.a": "Ya" });
  expect(read.parsed.unmatched).toHaveLength(1);
  expect(read.parsed.unmatched[0]).toMatchObject({ sheet: "Jawaban", text: "Baris tambahan tanpa nomor" });
});

test("a bad answer in the official layout names column N of its row", async () => {
  const bytes = await officialWorkbook(zi, { "A.I.1.i.a": "Mungkin" });
  await expect(readWorkbookAnswers(bytes, "resmi.xlsx", instruments)).rejects.toThrow(
    /sheet Jawaban, sel N\d+: A\.I\.1\.i\.a: "mungkin" bukan pilihan jawaban/,
  );
});
