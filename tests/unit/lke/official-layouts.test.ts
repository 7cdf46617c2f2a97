/**
 * The official LKE workbooks as teams hold them, reproduced by hand (tests/helpers/official-lke.ts):
 * LKE ZI 2021 (answer K, note O, link Q; hidden recap sheets; merged section rows; letter variants;
 * nested LHKPN/LHKASN) and its 2026 variant (answer N, link M, note Q), and the PMPRB 14/2014 workbook
 * with two answer groups headed by year. The real files are tested in official-real.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import type { Answers } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { readWorkbookAnswers, readWorkbookGroups } from "~/services/excel/score-workbook.server";
import { loadInstruments } from "~/services/instruments/catalog.server";
import { runMain } from "../../helpers/cli";
import { pmprbOfficialWorkbook, ziOfficialWorkbook, type ZiOptions } from "../../helpers/official-lke";
import { randomAnswers } from "../scoring/random-answers";

const instruments = loadInstruments().map((l) => l.instrument);
const zi = instruments.find((i) => i.id === "zi-2021")!;
const pmprb = instruments.find((i) => i.id === "pmprb-2014")!;

/** Answers the workbook accepts: numbers within their item's scale (the engine would clamp; an import refuses). */
const withinScale = (answers: Answers): Answers =>
  Object.fromEntries(
    Object.entries(answers)
      .filter(([, v]) => v !== null)
      .map(([id, v]) => {
        const item = pmprb.tree
          .flatMap((c) => (c.areas ?? []).flatMap((a) => (a.subareas ?? []).flatMap((s) => s.items)))
          .find((i) => i.id === id);
        return [id, typeof v === "number" && item?.scale ? Math.min(item.scale.max, Math.max(item.scale.min, v)) : v];
      }),
  );

const completeZi = (seed: number): Answers =>
  Object.fromEntries(Object.entries(randomAnswers(zi, seed)).filter(([, v]) => v !== null && (typeof v !== "number" || v <= 4)));

const FEATURES: Omit<ZiOptions, "variant"> = {
  // Letters as the real workbook prints them: without dot, with a trailing space, a dash for single items.
  letters: { "A.I.2.ii.d": "d", "A.I.6.v.c": "c. ", "A.II.2.ii.a": "a", "A.II.2.ii.b": "b", "A.II.1.ii.a": "-", "A.II.2.i.a": "-" },
  nested: ["A.II.5.iii.a", "A.II.5.iii.b"],
  notes: { "A.I.1.i.a": "Terdapat SK tim kerja", "A.II.1.i.a": "agen perubahan" },
  links: { "A.I.1.i.a": "https://drive.example.go.id/file/d/1Zu", "A.I.1.i.b": "lihat https://drive.example.go.id/file/d/2 (SK)" },
};

describe.each(["2021", "2026"] as const)("LKE ZI %s layout", (variant) => {
  test("every item is read with its answer, note and links; rows beside the tree are not", async () => {
    for (const seed of [3, 42]) {
      const answers = completeZi(seed);
      const bytes = await ziOfficialWorkbook(zi, answers, { variant, ...FEATURES });
      const read = await readWorkbookAnswers(bytes, `LKE ZI ${variant}.xlsx`, instruments);
      expect(read.layout).toBe("official");
      expect(read.instrument.id).toBe("zi-2021");
      expect(read.parsed.sheet).toBe(variant === "2021" ? "LKE ZI" : "Jawaban");
      expect(read.parsed.groups).toEqual([
        variant === "2021"
          ? { index: 0, header: "Jawaban", answerColumn: "K", noteColumn: "O", linkColumn: "Q" }
          : { index: 0, header: "Jawaban", answerColumn: "N", noteColumn: "Q", linkColumn: "M" },
      ]);
      expect(read.parsed.recognised).toEqual({ items: 113, itemsTotal: 113, answered: Object.keys(answers).length });
      expect(read.answers).toEqual(answers);
      expect(read.parsed.unmatched).toEqual([]);
      const cell = (id: string) => read.parsed.cells.find((c) => c.itemId === id)!;
      expect(cell("A.I.1.i.a")).toMatchObject({ note: "Terdapat SK tim kerja", links: ["https://drive.example.go.id/file/d/1Zu"] });
      expect(cell("A.I.1.i.b").links).toEqual(["https://drive.example.go.id/file/d/2"]);
      // A ratio item keeps the notes written on its count rows.
      expect(cell("A.II.1.i.a").note).toMatch(/^agen perubahan\n.*rincian/s);
      expect(cell("A.I.1.i.a").cell).toMatch(variant === "2021" ? /^K\d+$/ : /^N\d+$/);
      expect(scoreAssessment(zi, read.answers).total).toBe(scoreAssessment(zi, answers).total);
    }
  });

  test("the nested LHKPN/LHKASN block: the typed sub-total is not a count, the parts are", async () => {
    const answers = completeZi(7);
    const bytes = await ziOfficialWorkbook(zi, answers, { variant, ...FEATURES });
    const read = await readWorkbookAnswers(bytes, "lhkpn.xlsx", instruments);
    expect(read.answers["A.II.5.iii.a"]).toEqual(answers["A.II.5.iii.a"]);
    expect(read.answers["A.II.5.iii.b"]).toEqual(answers["A.II.5.iii.b"]);
  });

  test("a bad answer names its cell in the answer column", async () => {
    const bytes = await ziOfficialWorkbook(
      zi,
      { ...completeZi(3), "A.I.1.i.a": "Mungkin" },
      { variant, typed: { "A.I.1.i.a": "Mungkin" } },
    );
    await expect(readWorkbookAnswers(bytes, "resmi.xlsx", instruments)).rejects.toThrow(
      new RegExp(`sel ${variant === "2021" ? "K" : "N"}\\d+: A\\.I\\.1\\.i\\.a: "Mungkin" bukan pilihan jawaban`),
    );
  });
});

test("a hidden sheet is never the worksheet, even with an LKE header and answers", async () => {
  const bytes = await ziOfficialWorkbook(zi, {}, { variant: "2021" });
  const read = await readWorkbookAnswers(bytes, "kosong.xlsx", instruments);
  expect(read.parsed.sheet).toBe("LKE ZI");
  expect(read.answers).toEqual({});
});

describe("LKE PMPRB 14/2014 with two answer groups", () => {
  const layer = (seed: number): Answers => {
    return withinScale(randomAnswers(pmprb, seed));
  };

  test("yields one result per group, headed by year; --layer picks one", async () => {
    const y2015 = layer(5);
    const y2014 = layer(6);
    const bytes = await pmprbOfficialWorkbook(pmprb, [
      { year: 2015, answers: y2015 },
      { year: 2014, answers: y2014 },
    ]);
    const all = await readWorkbookGroups(bytes, "LKE RB 2015.xlsx", instruments);
    expect(all.instrument.id).toBe("pmprb-2014");
    expect(all.groups.map((g) => [g.group.header, g.group.answerColumn])).toEqual([
      ["PENILAIAN TAHUN 2015", "J"],
      ["PENILAIAN TAHUN 2014", "V"],
    ]);
    expect(all.groups[0]!.answers).toEqual(y2015);
    expect(all.groups[1]!.answers).toEqual(y2014);
    expect(all.groups[0]!.parsed.recognised).toMatchObject({ items: 151, itemsTotal: 151 });
    expect(all.groups[0]!.parsed.unmatched).toEqual([]);
    const chosen = await readWorkbookAnswers(bytes, "LKE RB 2015.xlsx", instruments, undefined, { group: "penilaian tahun 2014" });
    expect(chosen.answers).toEqual(y2014);
    expect((await readWorkbookAnswers(bytes, "x.xlsx", instruments, undefined, { group: "V" })).answers).toEqual(y2014);
    await expect(readWorkbookAnswers(bytes, "x.xlsx", instruments, undefined, { group: "2013" })).rejects.toThrow(
      /lapisan jawaban "2013" tidak ada \(yang ada: "PENILAIAN TAHUN 2015" kolom J, "PENILAIAN TAHUN 2014" kolom V\)/,
    );
  });

  test("the single unlettered item and Hasil values on their sub-area row are read; Opini BPK by its full name", async () => {
    const answers = layer(9);
    const bytes = await pmprbOfficialWorkbook(pmprb, [{ year: 2016, answers }], { unlettered: ["A.3.ii.a"] });
    const read = await readWorkbookAnswers(bytes, "LKE 2016.xlsx", instruments);
    expect(read.answers).toEqual(answers);
    expect(typeof read.answers["B.2.ii.a"]).toBe("string");
    expect(scoreAssessment(pmprb, read.answers).total).toBe(scoreAssessment(pmprb, answers).total);
  });
});

describe("cermin lke score on a workbook with two answer groups", () => {
  test("--json prints every layer's result with its header; --layer prints one; help exits 0", async () => {
    const y2015 = randomAnswers(pmprb, 21);
    const y2014 = randomAnswers(pmprb, 22);
    const clean = withinScale;
    const dir = mkdtempSync(path.join(os.tmpdir(), "lke-score-"));
    const file = path.join(dir, "LKE RB 2015.xlsx");
    writeFileSync(
      file,
      await pmprbOfficialWorkbook(pmprb, [
        { year: 2015, answers: clean(y2015) },
        { year: 2014, answers: clean(y2014) },
      ]),
    );
    try {
      const all = await runMain("lke", "score", file, "--json");
      expect(all.code, all.err).toBe(0);
      const json = JSON.parse(all.out) as {
        instrument: { id: string };
        layers: Array<{ header: string; answerColumn: string; total: number }>;
      };
      expect(json.instrument.id).toBe("pmprb-2014");
      expect(json.layers.map((l) => [l.header, l.answerColumn])).toEqual([
        ["PENILAIAN TAHUN 2015", "J"],
        ["PENILAIAN TAHUN 2014", "V"],
      ]);
      expect(json.layers[0]!.total).toBe(scoreAssessment(pmprb, clean(y2015)).total);
      expect(json.layers[1]!.total).toBe(scoreAssessment(pmprb, clean(y2014)).total);
      const one = await runMain("lke", "score", file, "--json", "--layer", "PENILAIAN TAHUN 2014");
      expect((JSON.parse(one.out) as { total: number }).total).toBe(scoreAssessment(pmprb, clean(y2014)).total);
      const text = await runMain("lke", "score", file);
      expect(text.out).toMatch(/== PENILAIAN TAHUN 2015 \(kolom J\) ==[\s\S]*== PENILAIAN TAHUN 2014 \(kolom V\) ==/);
      for (const args of [
        ["lke", "--help"],
        ["lke", "-h"],
        ["lke", "score", "--help"],
      ]) {
        const help = await runMain(...args);
        expect(help.code, args.join(" ")).toBe(0);
        expect(help.out).toMatch(/cermin lke score FILE/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a workbook whose answers stand in no Jawaban column scores with a warning, not silently", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "lke-score-"));
    const file = path.join(dir, "kosong.xlsx");
    writeFileSync(file, await ziOfficialWorkbook(zi, {}, { variant: "2021" }));
    try {
      const r = await runMain("lke", "score", file);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/peringatan \(Jawaban\): 113 dari 113 butir dikenali, 0 terjawab — periksa kolom jawaban \(K\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
