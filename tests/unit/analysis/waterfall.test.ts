import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { explainChange, type ChangePart, type ScoredSide } from "~/domain/analysis/waterfall";
import { outlineOf } from "~/domain/instrument/outline";
import type { Instrument } from "~/domain/instrument/schema";
import type { Answers } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { abcdArb, answersArb } from "../scoring/arbitraries";
import { pmprb2014, restrictTo, SEED, zi2021, ziExactThirds, ziReparsed, ziVersion2 } from "./fixtures";

/*
 * Acceptance 2 of issue #6: the waterfall's contributions add up to the index difference (every
 * displayed parent is exactly the sum of its displayed children; the top sum equals the engine's
 * after.total − before.total within 1e-9), and across instrument versions rule change + real
 * change = Δ, with identical answers giving a real change of 0.
 */
// Property tests score hundreds of assessments each: allow for a loaded CI machine.
vi.setConfig({ testTimeout: 60_000 });
const EPS = 1e-9;

/** Σ in display order: the same additions a reader (or a chart) makes. */
const sum = (xs: readonly { delta: number }[]) => xs.reduce((s, x) => s + x.delta, 0);

/** Every level is exactly the sum of the level below, and close to the engine's node differences. */
function checkPart(p: ChangePart, from: Instrument, to: Instrument): void {
  expect(p.delta).toBe(sum(p.areas));
  expect(Math.abs(p.delta - (p.after - p.before))).toBeLessThanOrEqual(EPS);
  const shareOf = (inst: Instrument, id: string) => {
    for (const a of outlineOf(inst).areas) for (const g of a.groups) if (g.items.some((i) => i.id === id)) return g.weight / g.items.length;
    return undefined;
  };
  for (const area of p.areas) {
    expect(area.delta, area.id).toBe(sum(area.subareas));
    expect(Math.abs(area.delta - (area.after - area.before)), area.id).toBeLessThanOrEqual(EPS);
    for (const g of area.subareas) {
      expect(g.delta, g.id).toBe(sum(g.items));
      expect(Math.abs(g.delta - (g.after - g.before)), g.id).toBeLessThanOrEqual(EPS);
      for (const item of g.items) {
        // Item points are s·v with s = w_g / n_g of the instrument the side was scored under.
        const sFrom = shareOf(from, item.id);
        const sTo = shareOf(to, item.id);
        if (sFrom === undefined) expect(item.before, item.id).toBe(0);
        if (sTo === undefined) expect(item.after, item.id).toBe(0);
        expect(Math.abs(item.delta - (item.after - item.before)), item.id).toBeLessThanOrEqual(EPS);
      }
    }
  }
}

function checkTotals(before: ScoredSide, after: ScoredSide): ReturnType<typeof explainChange> {
  const x = explainChange(before, after);
  const tb = scoreAssessment(before.instrument, before.answers, before.options).total;
  const ta = scoreAssessment(after.instrument, after.answers, after.options).total;
  expect([x.before.total, x.after.total]).toEqual([tb, ta]);
  expect(x.delta).toBe((x.ruleChange?.delta ?? 0) + x.realChange.delta);
  expect(Math.abs(x.delta - (ta - tb))).toBeLessThanOrEqual(EPS);
  return x;
}

describe("explainChange under one instrument", () => {
  it("contributions add up to the index difference (zi-2021, random answer pairs)", () => {
    const zi = zi2021();
    fc.assert(
      fc.property(answersArb(zi), answersArb(zi), abcdArb, (a, b, abcd) => {
        const options = { settings: { abcd_values: abcd } };
        const x = checkTotals({ instrument: zi, answers: a, options }, { instrument: zi, answers: b, options });
        expect(x.ruleChange).toBeNull();
        expect([x.added, x.removed, x.dropped]).toEqual([[], [], []]);
        checkPart(x.realChange, zi, zi);
        // The item formula: w_g × (v_after − v_before) / n_g, from the engine's item values.
        const nb = scoreAssessment(zi, a, options).nodes;
        const na = scoreAssessment(zi, b, options).nodes;
        for (const area of x.realChange.areas) {
          for (const g of area.subareas) {
            const group = outlineOf(zi)
              .areas.flatMap((o) => o.groups)
              .find((o) => o.id === g.id);
            const s = (group?.weight ?? NaN) / (group?.items.length ?? NaN);
            for (const it of g.items) {
              expect(it.delta).toBe(s * ((na[it.id]?.value ?? 0) - (nb[it.id]?.value ?? 0)));
              expect([it.answerBefore, it.answerAfter]).toEqual([a[it.id] ?? null, b[it.id] ?? null]);
            }
          }
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it("contributions add up on pmprb-2014 (no subcomponents, external points)", () => {
    const pm = pmprb2014();
    fc.assert(
      fc.property(answersArb(pm), answersArb(pm), (a, b) => {
        const x = checkTotals({ instrument: pm, answers: a }, { instrument: pm, answers: b });
        checkPart(x.realChange, pm, pm);
        expect(x.realChange.areas.map((ar) => ar.id)).toEqual(outlineOf(pm).areas.map((ar) => ar.id));
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("no change gives zero everywhere; the structure is plain JSON", () => {
    const zi = zi2021();
    const answers: Answers = { "A.I.1.i.a": "Ya", "B.I.1.a": 3.2, "A.II.1.i.a": { agen: 2, perubahan: 1 } };
    const x = explainChange({ instrument: zi, answers }, { instrument: zi, answers });
    expect(x.delta).toBe(0);
    expect(x.realChange.areas.every((a) => a.delta === 0 && a.subareas.every((g) => g.items.every((i) => i.delta === 0)))).toBe(true);
    expect(JSON.parse(JSON.stringify(x))).toEqual(x);
    // Areas in content order, with the path above them; the ZI Hasil areas are their own group.
    expect(x.realChange.areas.map((a) => a.id)).toEqual(outlineOf(zi).areas.map((a) => a.id));
    const ipak = x.realChange.areas.find((a) => a.id === "B.I.1");
    expect(ipak?.path).toEqual(["Hasil", "Birokrasi yang Bersih dan Akuntabel"]);
    expect(ipak?.subareas.map((g) => g.id)).toEqual(["B.I.1"]);
  });

  it("a worked example: one answer moving gives exactly its share", () => {
    const zi = zi2021();
    // A.I.1.i (0.50, two items): Tidak → Ya adds 0.50 / 2 × (1 − 0) = 0.25.
    const x = explainChange({ instrument: zi, answers: { "A.I.1.i.a": "Tidak" } }, { instrument: zi, answers: { "A.I.1.i.a": "Ya" } });
    expect(x.delta).toBe(0.25);
    const area = x.realChange.areas.find((a) => a.id === "A.I.1");
    expect(area?.delta).toBe(0.25);
    expect(area?.subareas[0]?.items[0]).toMatchObject({
      id: "A.I.1.i.a",
      before: 0,
      after: 0.25,
      delta: 0.25,
      answerBefore: "Tidak",
      answerAfter: "Ya",
    });
    expect(x.realChange.areas.filter((a) => a.delta !== 0).map((a) => a.id)).toEqual(["A.I.1"]);
  });
});

describe("explainChange across instrument versions: rule change + real change", () => {
  const v1 = zi2021();
  const v2 = ziVersion2();
  const v2Items = outlineOf(v2).items;

  it("splits Δ into rule change and real change over random answer pairs", () => {
    fc.assert(
      fc.property(answersArb(v1), answersArb(v2), (a, b) => {
        const x = checkTotals({ instrument: v1, answers: a }, { instrument: v2, answers: b });
        const rule = x.ruleChange as ChangePart;
        expect(rule).not.toBeNull();
        // The rule part ends, and the real part starts, at the earlier answers re-scored under v2.
        const carried = restrictTo(v2Items, a);
        for (const d of x.dropped) delete carried[d.itemId];
        const mid = scoreAssessment(v2, carried).total;
        expect(rule.after).toBe(mid);
        expect(x.realChange.before).toBe(mid);
        expect(Math.abs(rule.delta - (mid - x.before.total))).toBeLessThanOrEqual(EPS);
        expect(Math.abs(x.realChange.delta - (x.after.total - mid))).toBeLessThanOrEqual(EPS);
        checkPart(rule, v1, v2);
        checkPart(x.realChange, v2, v2);
        expect(x.added).toEqual(["A.I.2.iii.c"]);
        expect(x.removed).toEqual(["A.I.1.ii.c", "A.I.3.vi.a"]);
        // Only answers the new item rejects are dropped: "D" on the abcd item that became abc.
        expect(x.dropped.map((d) => d.itemId)).toEqual(a["A.I.1.iii.a"] === "D" ? ["A.I.1.iii.a"] : []);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it("identical answers give a real change of 0: the whole movement is the rule change", () => {
    fc.assert(
      fc.property(answersArb(v1), (a) => {
        const same = restrictTo(v2Items, a);
        if (same["A.I.1.iii.a"] === "D") delete same["A.I.1.iii.a"];
        const x = checkTotals({ instrument: v1, answers: a }, { instrument: v2, answers: same });
        expect(x.realChange.delta).toBe(0);
        expect(x.realChange.areas.every((ar) => ar.delta === 0 && ar.subareas.every((g) => g.items.every((i) => i.delta === 0)))).toBe(
          true,
        );
        expect(x.delta).toBe(x.ruleChange?.delta);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it("lists removed groups and items in the rule change and added ones in both parts", () => {
    const a: Answers = { "A.I.3.vi.a": "A", "A.I.1.ii.c": "A", "A.I.1.iii.a": "D", "A.I.1.i.a": "Ya" };
    const b: Answers = { "A.I.2.iii.c": "Ya", "A.I.1.i.a": "Ya" };
    const x = checkTotals({ instrument: v1, answers: a }, { instrument: v2, answers: b });
    const rule = x.ruleChange as ChangePart;
    const a3 = rule.areas.find((ar) => ar.id === "A.I.3");
    const vi = a3?.subareas.find((g) => g.id === "A.I.3.vi");
    // A.I.3.vi (0.25, one item, answered A) no longer exists: −0.25 in the rule change.
    expect(vi).toMatchObject({ before: 0.25, after: 0, delta: -0.25 });
    expect(a3?.subareas.map((g) => g.id)).toEqual(["A.I.3.i", "A.I.3.ii", "A.I.3.iii", "A.I.3.iv", "A.I.3.v", "A.I.3.vi"]);
    // A.I.1.i now weighs 1.00 (was 0.50): Ya on one of its two items is worth 0.50 instead of 0.25.
    const i = rule.areas.find((ar) => ar.id === "A.I.1")?.subareas.find((g) => g.id === "A.I.1.i");
    expect(i?.items.find((it) => it.id === "A.I.1.i.a")).toMatchObject({ before: 0.25, after: 0.5, delta: 0.25 });
    expect(x.dropped).toEqual([expect.objectContaining({ itemId: "A.I.1.iii.a" })]);
    // The new item appears in the real change as the after side's answer.
    const added = x.realChange.areas
      .find((ar) => ar.id === "A.I.2")
      ?.subareas.find((g) => g.id === "A.I.2.iii")
      ?.items.at(-1);
    expect(added).toMatchObject({ id: "A.I.2.iii.c", before: 0, after: 0.5 / 3, answerBefore: null, answerAfter: "Ya" });
  });

  it("a settings-only change (abcd as exact thirds) is a rule change without added or removed items", () => {
    const thirds = ziExactThirds();
    const a: Answers = { "A.I.1.iii.a": "B", "A.I.1.iii.b": "C" };
    const x = checkTotals({ instrument: v1, answers: a }, { instrument: thirds, answers: a });
    expect(x.realChange.delta).toBe(0);
    expect(x.ruleChange?.delta).toBeCloseTo((1 / 3) * (2 / 3 - 0.67 + 1 / 3 - 0.33), 12);
    expect([x.added, x.removed, x.dropped]).toEqual([[], [], []]);
    // The same switch as a scoring option rather than content is a rule change too.
    const y = checkTotals(
      { instrument: v1, answers: a },
      { instrument: v1, answers: a, options: { settings: { abcd_values: "exact_thirds" } } },
    );
    expect(y.ruleChange?.delta).toBe(x.ruleChange?.delta);
  });

  it("the same content parsed twice is the same rules: no rule change", () => {
    const a: Answers = { "A.I.1.i.a": "Ya" };
    const x = checkTotals({ instrument: v1, answers: {} }, { instrument: ziReparsed(), answers: a });
    expect(x.ruleChange).toBeNull();
    expect(x.delta).toBe(0.25);
  });

  it("invalid answers on either side are errors, not zeros", () => {
    expect(() => explainChange({ instrument: v1, answers: { "A.I.1.i.a": "X" } }, { instrument: v1, answers: {} })).toThrow(
      /A\.I\.1\.i\.a/,
    );
    expect(() => explainChange({ instrument: v1, answers: {} }, { instrument: v2, answers: { "A.I.1.ii.c": "A" } })).toThrow(
      /A\.I\.1\.ii\.c/,
    );
  });
});
