/**
 * Plan completeness (rb-2024.md §2.3) and the RB Tematik output recap (§3.3).
 */
import { describe, expect, it } from "vitest";
import { planCompleteness, tematikRecap } from "~/domain/renaksi";
import type { PlanEntry, PlanTarget, RenaksiPlan } from "~/domain/renaksi/types";
import { out, q } from "./fixtures";

function target(year: number, over: Partial<PlanTarget> = {}): PlanTarget {
  return {
    year,
    target: 80,
    baseline: { year: year - 1, value: 70 },
    realisasiIndikator: null,
    catatan: null,
    actions: [{ text: "Susun SOP", outputs: [] }],
    ...over,
  };
}
const entry = (n: number, targets: PlanTarget[]): PlanEntry => ({
  kegiatanUtama: "KU01",
  indicator: `IND${String(n).padStart(2, "0")}`,
  targets,
});
const plan = (entries: PlanEntry[]): RenaksiPlan => ({ entries });

describe("planCompleteness: ≥ 5 baselines (N−1), ≥ 5 targets (N), ≥ 5 actions (N)", () => {
  it("five full entries are complete", () => {
    const p = plan([1, 2, 3, 4, 5].map((n) => entry(n, [target(2024)])));
    expect(planCompleteness(p, 2024)).toEqual({ year: 2024, baselines: 5, targets: 5, actions: 5, minimum: 5, complete: true });
  });
  it("four are not; another year's targets and actions do not count", () => {
    const p = plan([...[1, 2, 3, 4].map((n) => entry(n, [target(2024)])), entry(5, [target(2025)])]);
    expect(planCompleteness(p, 2024)).toMatchObject({ baselines: 4, targets: 4, actions: 4, complete: false });
  });
  it("a baseline counts once per entry even when copied onto several targets, and only of year N − 1", () => {
    const p = plan([
      entry(1, [target(2024), target(2024)]),
      entry(2, [target(2024, { baseline: { year: 2022, value: 1 } })]),
      entry(3, [target(2024, { baseline: { year: 2023, value: null } })]),
    ]);
    expect(planCompleteness(p, 2024).baselines).toBe(1);
  });
  it("empty targets and blank actions are not counted; several actions under one target are", () => {
    const p = plan([
      entry(1, [target(2024, { target: null, actions: [{ text: "  ", outputs: [] }] })]),
      entry(2, [target(2024, { actions: Array.from({ length: 6 }, (_, i) => ({ text: `aksi ${i}`, outputs: [] })) })]),
    ]);
    expect(planCompleteness(p, 2024)).toMatchObject({ targets: 1, actions: 6, complete: false });
  });
});

describe("tematikRecap (§3.3)", () => {
  it("per TW mean over outputs with a target and capaian > 0, ignoring ≥ 300 %; pengisian per TW", () => {
    const outputs = [
      out(q(1, 1, 0, 0), q(1, 0.5, null, null)), // TW1 100, TW2 50; total (100 + 50) / 2 = 75
      out(q(1, 2, 0, 0), q(0.5, null, null, null)), // TW1 50, TW2 not reported; total 50
      out(q(1, 0, 0, 0), q(4, null, null, null)), // TW1 400 → ignored; total 400 → ignored
      out(q(0, 0, 0, 0), q(null, null, null, null)), // no target: in no quarter, not in the total
    ];
    const r = tematikRecap(outputs);
    expect(r.perTw).toEqual([75, 50, null, null]);
    expect(r.pengisianTw).toEqual([100, 50, null, null]);
    expect(r.total).toBe(62.5);
    expect(r.ignoredOver300).toBe(2);
    expect(r.outputs).toBe(4);
  });
  it("a reported output at 0 counts in the total and lowers pengisian; an unreported one is left out of the total", () => {
    const r = tematikRecap([
      out(q(1, 0, 0, 0), q(1, null, null, null)),
      out(q(1, 0, 0, 0), q(0, null, null, null)),
      out(q(1, 0, 0, 0), q(null, null, null, null)),
    ]);
    expect(r.perTw[0]).toBe(100);
    expect(r.pengisianTw[0]).toBeCloseTo(100 / 3, 12);
    expect(r.total).toBe(50);
  });
  it("strict mode reads the import's realisasi_total / target_total", () => {
    expect(tematikRecap([out(q(1, 1, 0, 0), q(1, 0, null, null))], "strict").total).toBe(50);
    expect(tematikRecap([out(q(1, 1, 0, 0), q(1, 0, null, null))]).total).toBe(100);
  });
  it("no outputs: everything null", () => {
    expect(tematikRecap([])).toEqual({
      perTw: [null, null, null, null],
      total: null,
      pengisianTw: [null, null, null, null],
      outputs: 0,
      ignoredOver300: 0,
    });
  });
});
