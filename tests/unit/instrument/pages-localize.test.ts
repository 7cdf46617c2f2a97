import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scorerText } from "~/components/workbench/scorer-text";
import { localizeInstrument } from "~/domain/instrument/localize";
import { outlineOf } from "~/domain/instrument/outline";
import { scoreAssessment } from "~/domain/scoring/score";
import { translator } from "~/i18n";
import { instrument } from "../scoring/instruments";

describe("workbench pages (issue #27: the RB worksheet one page per component)", () => {
  it("an Evaluasi RB worksheet is one page per component holding every row, in content order", () => {
    const rb = outlineOf(instrument("rb-2023-kabkota"));
    const multi = rb.pages.filter((p) => p.areaIds.length > 1);
    // Every component of more than one row is one page; all 41 rows are on some page exactly once.
    expect(rb.pages.flatMap((p) => p.areaIds)).toEqual(rb.areas.map((a) => a.id));
    expect(multi.map((p) => p.id)).toEqual(["A", "B", "C", "T"]);
    expect(rb.pages.length).toBeLessThanOrEqual(6);
    const b = rb.pages.find((p) => p.id === "B")!;
    expect(b.groups.map((g) => g.id)).toEqual(b.areaIds);
    // A row in parts (C102: IKU makro and non makro) is headed by its code and label.
    const c = rb.pages.find((p) => p.id === "C")!;
    expect(c.groups.length).toBeGreaterThan(c.areaIds.length);
    expect(c.groups.some((g) => g.path?.at(-1)?.startsWith("C102 "))).toBe(true);
    // Rows under a subcomponent carry its label, to head their section on the page.
    expect(b.groups[0]!.path).toEqual([instrument("rb-2023-kabkota").tree[1]!.subcomponents![0]!.label]);
    for (const id of rb.areas.map((a) => a.id)) expect(rb.pages.find((p) => p.id === rb.pageOfArea.get(id))!.areaIds).toContain(id);
  });

  it("ZI and PMPRB keep one page per area (areas hold many items)", () => {
    for (const id of ["zi-2021", "pmprb-2014"] as const) {
      const o = outlineOf(instrument(id));
      expect(o.pages.map((p) => p.id)).toEqual(o.areas.map((a) => a.id));
      for (const a of o.areas) expect(o.pageOfArea.get(a.id)).toBe(a.id);
    }
  });
});

describe("localizeInstrument (issue #27: the English UI shows the instrument's English texts)", () => {
  const rb = instrument("rb-2023-kabkota");

  it("English takes label_en, question_en, title_en and band labels where the YAML has them; Indonesian is the same object", () => {
    expect(localizeInstrument(rb, "id")).toBe(rb);
    const en = localizeInstrument(rb, "en");
    expect(localizeInstrument(rb, "en")).toBe(en);
    expect(en.title).toBe(rb.title_en);
    expect(en.tree[0]!.label).toBe(rb.tree[0]!.label_en);
    const item = rb.tree[0]!.areas![0]!.items![0]!;
    expect(en.tree[0]!.areas![0]!.items![0]!.question).toBe(item.question_en);
    expect(en.evaluation.predicate_bands.map((b) => b.label)).toEqual(rb.evaluation.predicate_bands.map((b) => b.label_en ?? b.label));
    // The original is untouched.
    expect(rb.tree[0]!.label).not.toBe(rb.tree[0]!.label_en);
  });

  it("a text without an English version stays as written, and the copy scores exactly as the original", () => {
    const zi = instrument("zi-2021");
    const en = localizeInstrument(zi, "en");
    expect(en.tree[0]!.subcomponents![0]!.areas[0]!.subareas![0]!.items[0]!.question).toBe(zi.tree[0]!.subcomponents![0]!.areas[0]!.subareas![0]!.items[0]!.question);
    const answers = { "B.I.1.a": 3.2, "A.I.1.i.b": "A" };
    expect(scoreAssessment(en, answers).total).toBe(scoreAssessment(zi, answers).total);
    const rbAnswers = { "B101.a": 50, "A101.a": 2 };
    const a = scoreAssessment(rb, rbAnswers);
    const b = scoreAssessment(localizeInstrument(rb, "en"), rbAnswers);
    expect(b.total).toBe(a.total);
    expect(b.predicate?.code).toBe(a.predicate?.code);
    expect(b.predicate?.label).toBe(rb.evaluation.predicate_bands.find((x) => x.code === a.predicate?.code)?.label_en);
  });
});

describe("scorerText (issue #27: no internal source marker on a page)", () => {
  it("says what a spec tag means instead of showing it", () => {
    const id = translator("id");
    const en = translator("en");
    expect(scorerText("KemenPANRB [I]", id)).toBe("KemenPANRB (disimpulkan, belum terverifikasi)");
    expect(scorerText("BPKP [I]", en)).toBe("BPKP (inferred, not verified)");
    expect(scorerText("Evaluator meso (A1 eval 13)", id)).toBe("Evaluator meso (lembaga penilai belum diketahui)");
    expect(scorerText("Evaluator Nasional", en)).toBe("National evaluator");
    expect(scorerText("BPS", en)).toBe("BPS");
    expect(scorerText("KemenPANRB [I]", id)).not.toMatch(/\[I\]/);
  });

  it("reads the 2024 files' portal evaluator ids (issue #29) the same way", () => {
    const id = translator("id");
    const en = translator("en");
    expect(scorerText("KemenPANRB [I] (penilai portal 17)", id)).toBe("KemenPANRB (disimpulkan, belum terverifikasi)");
    expect(scorerText("Evaluator Nasional [I] (penilai portal 14)", en)).toBe("National evaluator (inferred, not verified)");
    expect(scorerText("Evaluator meso (penilai portal 27)", id)).toBe("Evaluator meso (lembaga penilai belum diketahui)");
    // Every scorer of the shipped instruments reads without a tag or a portal id.
    for (const file of ["rb-2023-kl", "rb-2023-prov", "rb-2023-kabkota", "rb-2024-kl", "rb-2024-prov", "rb-2024-kabkota"]) {
      const text = readFileSync(path.join(process.cwd(), "content/instruments", `${file}.yaml`), "utf8");
      for (const m of text.matchAll(/^\s*scorer: (.+)$/gm)) {
        for (const t of [id, en]) expect(scorerText(m[1]!.replace(/^"|"$/g, ""), t), `${file}: ${m[1]}`).not.toMatch(/\[I\]|penilai portal|A\d+ eval/);
      }
    }
  });
});
