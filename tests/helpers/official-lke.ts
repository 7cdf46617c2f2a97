/**
 * Hand-made official KemenPANRB LKE workbooks that reproduce, feature by feature, the layouts of the
 * real workbooks in ../shared/fixtures/official-workbooks/ (README there), so the reader is tested in
 * every clone without those files. Written from the instrument tree; nothing is copied from the real files.
 *
 * LKE ZI (`zi`): sheets `Utama` and `Ctt Eval` hidden (a decoy header with "Jawaban" in the latter),
 * the worksheet visible; a merged title row; header `Penilaian` merged over the numbering columns,
 * `Bobot`, `Penjelasan`, `Pilihan Jawaban`, `Jawaban`, `Nilai`, ` %`, `Catatan/Keterangan/Penjelasan`,
 * evidence name and link without header; helper numbers in column A; every section, area and sub-area
 * name merged across the name columns; letters with and without dot or with a trailing space; `-`
 * for single items; `- Jumlah …` count rows; the LHKPN/LHKASN block nested (an extra `i.` row, an
 * unnumbered heading, a typed sub-total row and `-` count rows without the `- ` prefix); Hasil
 * indicators lettered in the area column with the text beside; survey answers as `Nilai (0-4)`;
 * total rows and a signature block below the grand total.
 * Variant "2021": worksheet `LKE ZI`, answer K, note O, link Q. Variant "2026": sheets `Utama`/`Jawaban`,
 * answer N, link M, note Q.
 *
 * LKE PMPRB 14/2014 (`pmprb`): one sheet `LKE ` (trailing space), two answer groups side by side headed
 * "PENILAIAN TAHUN <year>" above the header row, the second numbering block in hidden columns, weights in
 * parentheses after names, sub-area numbers stored as numbers, the single unlettered item, Hasil values on
 * their sub-area row, Opini BPK typed as its full name.
 */
import ExcelJS from "exceljs";
import type { Instrument, Item } from "~/domain/instrument/schema";
import { treeNodes, type TreeNode } from "~/domain/instrument/tree";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";

const ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];

const TYPE_TEXT: Record<string, string> = {
  yes_no: "Ya/Tidak",
  abc: "A/B/C",
  abcd: "A/B/C/D",
  abcde: "A/B/C/D/E",
  percent: "%",
  survey_0_4: "Nilai\n(0-4)",
};

export interface ZiOptions {
  variant: "2021" | "2026";
  /** Printed letter per item id (default `<letter>.`): e.g. "d", "c. ", "a", "-". */
  letters?: Record<string, string>;
  /** Ratio items printed as the nested LHKPN/LHKASN block (their sub-area's items, in order). */
  nested?: string[];
  notes?: Record<string, string>;
  links?: Record<string, string>;
  /** Shown answers (text as typed), overriding the formatting of `answers`. */
  typed?: Record<string, string>;
}

/** Where the 2021 and 2026 variants put things. */
const ZI_COLS = {
  "2021": { sheet: "LKE ZI", answer: 11, note: 15, evidenceName: 16, link: 17, nilai: 12 },
  "2026": { sheet: "Jawaban", answer: 14, note: 17, evidenceName: 12, link: 13, nilai: 15 },
} as const;

const shownAnswer = (a: AnswerValue | undefined): ExcelJS.CellValue =>
  a === null || a === undefined ? null : typeof a === "number" ? String(a).replace(".", ",") : typeof a === "string" ? a : null;

export async function ziOfficialWorkbook(instrument: Instrument, answers: Answers, opts: ZiOptions): Promise<Uint8Array> {
  const cols = ZI_COLS[opts.variant];
  const wb = new ExcelJS.Workbook();
  const utama = wb.addWorksheet("Utama");
  utama.addRow(["REKAPITULASI HASIL EVALUASI"]);
  if (opts.variant === "2021") {
    utama.state = "hidden";
    const ctt = wb.addWorksheet("Ctt Eval", { state: "hidden" });
    // A decoy: a hidden sheet with an LKE-like header and answers that must never be read.
    ctt.addRow(["No", "Penilaian", "Pilihan Jawaban", "Jawaban", "Catatan"]);
    ctt.addRow([1, "A.", "Ya/Tidak", "Tidak", "catatan evaluator"]);
  }
  const ws = wb.addWorksheet(cols.sheet);
  let r = 1;
  const merge = (row: number, from: number, to: number) => {
    if (to > from) ws.mergeCells(row, from, row, to);
  };
  ws.getCell(1, 2).value = "LAMPIRAN III\nPERATURAN MENTERI PENDAYAGUNAAN APARATUR NEGARA";
  merge(1, 2, 15);
  r = 2;
  const head = ws.getRow(2);
  head.getCell(1).value = 1;
  head.getCell(2).value = "Penilaian";
  merge(2, 2, 7);
  head.getCell(8).value = "Bobot";
  head.getCell(9).value = "Penjelasan";
  head.getCell(10).value = "Pilihan Jawaban";
  head.getCell(cols.answer).value = "Jawaban";
  head.getCell(cols.nilai).value = "Nilai";
  head.getCell(cols.nilai + 1).value = " %";
  head.getCell(cols.note).value = "Catatan/Keterangan/Penjelasan";
  r = 4;
  let helper = 3;
  /** Writes one row: `name` at column `at` merged to G, plus any other cells. */
  const put = (cells: Record<number, ExcelJS.CellValue>, mergeFrom?: number) => {
    const row = ws.getRow(r);
    row.getCell(1).value = helper++;
    for (const [c, v] of Object.entries(cells)) if (v !== null && v !== undefined) row.getCell(Number(c)).value = v;
    if (mergeFrom) merge(r, mergeFrom, 7);
    return r++;
  };
  const answerRow = (item: Item, letterCol: number, letter: string, text: string) => {
    const a = answers[item.id];
    const typed = opts.typed?.[item.id];
    const cells: Record<number, ExcelJS.CellValue> = {
      [letterCol]: letter,
      [letterCol + 1]: text,
      10: TYPE_TEXT[item.type] ?? item.type,
      [cols.note]: opts.notes?.[item.id] ?? null,
      [cols.evidenceName]: opts.links?.[item.id] ? `Bukti ${item.id}` : null,
      [cols.link]: opts.links?.[item.id] ?? null,
    };
    if (item.type === "percent")
      cells[cols.answer] = { formula: `IF(K${r + 1}="","Blm Diisi",1)`, result: "Blm Diisi" } as ExcelJS.CellValue;
    else cells[cols.answer] = typed ?? shownAnswer(a);
    put(cells, letterCol + 1 < 7 ? letterCol + 1 : undefined);
  };
  const countRows = (item: Item, nested: boolean) => {
    const a = answers[item.id];
    const counts = a !== null && typeof a === "object" ? a : {};
    const formula = item.formula;
    const denominators = formula?.kind === "ratio" ? formula.denominator : [];
    if (nested) {
      // "Jumlah yang harus melaporkan": a sub-total above its parts, typed (it may disagree with them).
      const sum = denominators.reduce((s, n) => s + (counts[n] ?? 0), 0);
      put({ 6: "-", 7: "Jumlah yang harus melaporkan", 10: "Jumlah", [cols.answer]: sum + 1 });
    }
    for (const input of item.inputs ?? []) {
      const n = counts[input.name];
      const isNumerator = nested && !denominators.includes(input.name);
      if (isNumerator)
        put({ 6: "-", 7: `Jumlah yang sudah melaporkan`, 10: "Jumlah", [cols.answer]: n ?? null, [cols.note]: `${n ?? 0} orang` });
      else
        put({
          7: `- Jumlah ${input.label}`,
          10: "Jumlah",
          [cols.answer]: n === undefined ? null : n,
          [cols.note]: `rincian ${input.name}`,
        });
    }
  };

  treeNodes(instrument).forEach((comp, ci) => {
    put({ 2: `${String.fromCharCode(65 + ci)}.`, 3: comp.label.toUpperCase(), 8: comp.weight }, 3);
    comp.children.forEach((sub, si) => {
      put({ 3: `${ROMAN[si]}.`, 4: sub.label.toUpperCase(), 8: sub.weight }, 4);
      const hasil = sub.children.every((a) => a.items);
      let hasilLetter = 0;
      sub.children.forEach((area, ai) => {
        if (hasil) {
          // Hasil: each indicator lettered in the area column, its text beside.
          for (const it of area.items ?? []) answerRow(it, 4, "abcdefgh"[hasilLetter++]!, it.question);
          return;
        }
        put({ 4: `${ai + 1}.`, 5: area.label.toUpperCase(), 8: area.weight }, 5);
        area.children.forEach((group, gi) => writeGroup(group, gi));
      });
    });
    put({ 2: `TOTAL ${comp.label.toUpperCase()}` }, 2);
  });
  put({ 2: "NILAI EVALUASI ZONA INTEGRITAS" }, 2);
  r += 3;
  put({ [cols.answer]: "ttd" });

  function writeGroup(group: TreeNode, gi: number) {
    const items = group.items ?? [];
    const nested = items.filter((i) => opts.nested?.includes(i.id));
    put(
      {
        5: `${ROMAN[gi]!.toLowerCase()}.`,
        6: group.label,
        8: group.weight,
        10: items.length === 1 && items[0]!.type === "percent" ? "%" : null,
      },
      6,
    );
    items.forEach((it, ii) => {
      if (nested.includes(it)) {
        if (ii === 0) put({ 5: "i.", 6: `${group.label} (bagian pertama)`, 8: group.weight / 2 }, 6);
        else put({ 6: `${group.label} (bagian ${ii + 1})`, 8: group.weight / 2 }, 6);
        answerRow(it, 6, "-", `Persentase ${it.question}`);
        countRows(it, true);
        return;
      }
      const letter = opts.letters?.[it.id] ?? `${it.id.split(".").pop()}.`;
      answerRow(it, 6, letter, it.question);
      if (it.type === "percent") countRows(it, false);
    });
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const PMPRB_TYPE: Record<string, string> = { yes_no: "Y/T", abc: "A/B/C", abcd: "A/B/C/D", abcde: "A/B/C/D/E" };

/** The official PMPRB 14/2014 workbook with one answer group per layer, headed "PENILAIAN TAHUN <year>". */
export async function pmprbOfficialWorkbook(
  instrument: Instrument,
  layers: Array<{ year: number; answers: Answers }>,
  opts: { unlettered?: string[] } = {},
): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("LKE ");
  // Layer k's block starts at column 2 + 12k: numbering B–F, weight G, penjelasan H, type I, answer J, nilai K, % L.
  const base = (k: number) => 2 + 12 * k;
  ws.getCell("B1").value = "LEMBAR KERJA EVALUASI REFORMASI BIROKRASI (INDEKS RB)";
  ws.getCell("B2").value = "INSTANSI : ";
  ws.getCell("F2").value = "Instansi Contoh";
  ws.getCell("B3").value = "TAHUN :";
  ws.getCell("F3").value = layers[0]!.year;
  layers.forEach((l, k) => {
    const b = base(k);
    ws.getCell(5, k === 0 ? b : b + 8).value = `PENILAIAN TAHUN ${l.year}`;
    if (k === 0) ws.mergeCells(5, b, 5, b + 10);
    else ws.mergeCells(5, b + 8, 5, b + 10);
    ws.getCell(6, b).value = "PENILAIAN";
    ws.mergeCells(6, b, 6, b + 4);
    ws.getCell(6, b + 6).value = "PENJELASAN";
    ws.getCell(6, b + 7).value = "Pilihan Jawaban";
    ws.getCell(6, b + 8).value = "Jawaban";
    ws.getCell(6, b + 9).value = "Nilai";
    ws.getCell(6, b + 10).value = " %";
    if (k > 0) for (let c = b - 1; c < b + 8; c++) ws.getColumn(c).hidden = true;
  });
  let r = 7;
  const put = (at: number, cells: Record<number, ExcelJS.CellValue>, answersAt?: (l: Answers) => ExcelJS.CellValue) => {
    layers.forEach((l, k) => {
      const row = ws.getRow(r);
      for (const [c, v] of Object.entries(cells)) if (v !== null && v !== undefined) row.getCell(base(k) + Number(c) - 2).value = v;
      if (answersAt) row.getCell(base(k) + 8).value = answersAt(l.answers);
    });
    ws.getRow(r).getCell(1).value = at;
    r++;
  };
  const shown = (it: Item, a: AnswerValue | undefined): ExcelJS.CellValue => {
    if (a === null || a === undefined) return null;
    if (it.type === "choice") return it.options?.find((o) => o.code === a)?.criterion ?? String(a);
    return typeof a === "number" ? a : typeof a === "string" ? a : null;
  };
  const typeText = (it: Item) =>
    PMPRB_TYPE[it.type] ??
    (it.type === "choice" ? (it.options ?? []).map((o) => o.code).join("/") : it.scale ? `${it.scale.min}-${it.scale.max}` : it.type);
  treeNodes(instrument).forEach((comp, ci) => {
    put(r, { 2: `${String.fromCharCode(65 + ci)}.`, 3: `${comp.label.toUpperCase()} (${comp.weight})` });
    comp.children.forEach((area, ai) => {
      put(r, { 3: `${ROMAN[ai]}.`, 4: `${area.label.toUpperCase()} (${area.weight})`, 7: area.weight });
      area.children.forEach((group, gi) => {
        const items = group.items ?? [];
        const hasil = items.length === 1 && !PMPRB_TYPE[items[0]!.type];
        const label = `${group.label} (${String(group.weight).replace(".", ",")})`;
        if (hasil) {
          // A Hasil indicator: its value on the sub-area row itself.
          const it = items[0]!;
          put(r, { 4: `${gi + 1}.`, 5: label, 7: group.weight, 9: typeText(it) }, (a) => shown(it, a[it.id]));
          return;
        }
        put(r, { 4: gi + 1, 5: label, 7: group.weight });
        for (const it of items) {
          const letter = opts.unlettered?.includes(it.id) ? null : `${it.id.split(".").pop()}.`;
          put(r, { 5: letter, 6: it.question, 9: typeText(it) }, (a) => shown(it, a[it.id]));
        }
      });
    });
    put(r, { 2: `TOTAL ${ci === 0 ? "PENGUNGKIT" : "HASIL"}` });
  });
  put(r, { 2: "NILAI EVALUASI REFORMASI BIROKRASI" });
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
