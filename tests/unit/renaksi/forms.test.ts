import { describe, expect, it } from "vitest";
import { MonevSchema, OutputSchema, parseAmount, TargetSchema } from "~/services/renaksi/forms";

describe("plan form fields (issue #29)", () => {
  it("reads rupiah amounts as people type them", () => {
    expect(parseAmount("15.000.000")).toBe(15_000_000);
    expect(parseAmount("15,000,000")).toBe(15_000_000);
    expect(parseAmount("Rp 15.000.000")).toBe(15_000_000);
    expect(parseAmount("15 000 000")).toBe(15_000_000);
    expect(parseAmount("15000000")).toBe(15_000_000);
    expect(parseAmount("2.500")).toBe(2500);
    expect(parseAmount("1.234.567,5")).toBe(1_234_567.5);
    expect(parseAmount("12,5")).toBe(12.5);
    expect(parseAmount("lima juta")).toBeNull();
  });

  it("reads decimals with a comma or a dot and refuses words and negatives with a message", () => {
    const ok = TargetSchema.safeParse({ indicatorCode: "IND01", baselineValue: "61,5", target: "70.25" });
    expect(ok.success && ok.data).toMatchObject({ baselineValue: 61.5, target: 70.25, baselineYear: null, unit: null });
    const bad = TargetSchema.safeParse({ indicatorCode: "IND01", baselineValue: "enam puluh", target: "-1" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["baselineValue", "renaksi.notANumber"],
      ["target", "renaksi.notANumber"],
    ]);
    const out = OutputSchema.safeParse({ indicator: "SOP", unit: "dok", targetTw1: "2", budgetTotal: "15.000.000" });
    expect(out.success && out.data).toMatchObject({ targetTw1: 2, targetTw2: null, budgetTotal: 15_000_000 });
    const monev = MonevSchema.safeParse({ id: "x", quarter: "5", realisation: "1", budgetRealisation: "sejuta" });
    expect(monev.success).toBe(false);
    expect(monev.error!.issues.map((i) => i.path[0]).sort()).toEqual(["budgetRealisation", "quarter"]);
  });
});
