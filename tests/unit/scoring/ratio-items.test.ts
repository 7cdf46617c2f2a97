import { describe, expect, it } from "vitest";
import type { AnswerValue } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { instrument } from "./instruments";

const zi = instrument("zi-2021");

function item(id: string, answer: AnswerValue) {
  const r = scoreAssessment(zi, { [id]: answer });
  return { value: r.nodes[id]?.value, trace: r.nodes[id]?.trace, warnings: r.warnings };
}

const warned = (id: string) => [expect.objectContaining({ itemId: id, code: "zero_denominator" })];

// Domain README §5: every ratio item, its formula and its zero-denominator outcome.
describe("A.II.1.i.a agents → changes: min(1, changes/agents)", () => {
  it("ratio", () => expect(item("A.II.1.i.a", { agen: 4, perubahan: 3 }).value).toBe(0.75));
  it("capped at 1", () => expect(item("A.II.1.i.a", { agen: 2, perubahan: 5 }).value).toBe(1));
  it("agents 0 → 0 + warning", () => {
    const r = item("A.II.1.i.a", { agen: 0, perubahan: 3 });
    expect(r.value).toBe(0);
    expect(r.warnings).toEqual(warned("A.II.1.i.a"));
  });
  it("computes unrounded (2/3, not 0.67)", () => expect(item("A.II.1.i.a", { agen: 3, perubahan: 2 }).value).toBe(2 / 3));
});

describe("A.II.1.i.b changes integrated: min(1, integrated/changes)", () => {
  it("ratio", () => expect(item("A.II.1.i.b", { perubahan: 4, terintegrasi: 1 }).value).toBe(0.25));
  it("changes 0 → 0 + warning", () => {
    const r = item("A.II.1.i.b", { perubahan: 0, terintegrasi: 0 });
    expect(r.value).toBe(0);
    expect(r.warnings).toEqual(warned("A.II.1.i.b"));
  });
});

describe("A.II.3.iii.a fewer violations: clamp((last − this)/last, 0, 1)", () => {
  it("decrease", () => expect(item("A.II.3.iii.a", { lalu: 4, kini: 1 }).value).toBe(0.75));
  it("increase clamps at 0", () => expect(item("A.II.3.iii.a", { lalu: 2, kini: 5 }).value).toBe(0));
  it("the sanctioned count is informational and optional", () => {
    expect(item("A.II.3.iii.a", { lalu: 4, kini: 1, disanksi: 9 }).value).toBe(0.75);
  });
  it("last 0 and this 0 → 1, no warning", () => {
    const r = item("A.II.3.iii.a", { lalu: 0, kini: 0 });
    expect(r.value).toBe(1);
    expect(r.warnings).toEqual([]);
  });
  it("last 0 and this > 0 → 0, no warning", () => {
    const r = item("A.II.3.iii.a", { lalu: 0, kini: 2 });
    expect(r.value).toBe(0);
    expect(r.warnings).toEqual([]);
  });
});

describe("A.II.4.i.a targets met: min(1, met/targets)", () => {
  it("ratio", () => expect(item("A.II.4.i.a", { sasaran: 5, tercapai: 2 }).value).toBe(0.4));
  it("targets 0 → 0 + warning", () => {
    const r = item("A.II.4.i.a", { sasaran: 0, tercapai: 0 });
    expect(r.value).toBe(0);
    expect(r.warnings).toEqual(warned("A.II.4.i.a"));
  });
});

describe("A.II.5.ii.a complaints handled: min(1, completed/to_follow_up)", () => {
  it("ratio; 'in process' does not count", () => {
    expect(item("A.II.5.ii.a", { wajib: 4, proses: 3, selesai: 1 }).value).toBe(0.25);
  });
  it("to_follow_up 0 → 1 (no complaints), no warning", () => {
    const r = item("A.II.5.ii.a", { wajib: 0, proses: 0, selesai: 0 });
    expect(r.value).toBe(1);
    expect(r.warnings).toEqual([]);
  });
});

describe("A.II.5.iii.a/.b LHKPN / LHKASN: min(1, reported / Σ obliged)", () => {
  it("sums the three obliged categories", () => {
    const r = item("A.II.5.iii.a", { wajib_kepala: 1, wajib_pejabat: 2, wajib_lain: 3, lapor: 4 });
    expect(r.value).toBe(4 / 6);
    expect(r.trace).toBe("min(1, max(0, lapor 4 / (wajib_kepala 1 + wajib_pejabat 2 + wajib_lain 3))) = 0.6667");
  });
  it("LHKASN likewise", () => {
    expect(item("A.II.5.iii.b", { wajib_adm: 2, wajib_pengawas: 0, wajib_jf: 2, lapor: 1 }).value).toBe(0.25);
  });
  it.each(["A.II.5.iii.a", "A.II.5.iii.b"])("%s: Σ obliged 0 → 0 + warning", (id) => {
    const answer: Record<string, number> =
      id === "A.II.5.iii.a"
        ? { wajib_kepala: 0, wajib_pejabat: 0, wajib_lain: 0, lapor: 0 }
        : { wajib_adm: 0, wajib_pengawas: 0, wajib_jf: 0, lapor: 0 };
    const r = item(id, answer);
    expect(r.value).toBe(0);
    expect(r.warnings).toEqual(warned(id));
  });
  it("2.00 × mean(a, b) = 1.00·a + 1.00·b (README §2)", () => {
    const r = scoreAssessment(zi, {
      "A.II.5.iii.a": { wajib_kepala: 1, wajib_pejabat: 1, wajib_lain: 2, lapor: 1 },
      "A.II.5.iii.b": { wajib_adm: 1, wajib_pengawas: 1, wajib_jf: 0, lapor: 1 },
    });
    expect(r.nodes["A.II.5.iii"]?.value).toBeCloseTo(1 * 0.25 + 1 * 0.5, 15);
  });
});

describe("A.II.6.i.b services simplified: min(1, simplified/registered)", () => {
  it("ratio", () => expect(item("A.II.6.i.b", { terdaftar: 8, dipermudah: 2 }).value).toBe(0.25));
  it("registered 0 → 0 + warning", () => {
    const r = item("A.II.6.i.b", { terdaftar: 0, dipermudah: 0 });
    expect(r.value).toBe(0);
    expect(r.warnings).toEqual(warned("A.II.6.i.b"));
    expect(r.trace).toBe("dipermudah 0 / terdaftar 0: penyebut 0 → 0");
  });
});
