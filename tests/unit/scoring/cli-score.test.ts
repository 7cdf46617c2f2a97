import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scoreCommand } from "~/cli/score";
import { CONTENT_DIR, FIXTURE_DIR } from "./instruments";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "cermin-score-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function answersFile(name: string, content: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
}

const fx = (name: string) => path.join(FIXTURE_DIR, `${name}.json`);
const run = async (...args: string[]) => {
  const c = capture();
  const code = await scoreCommand([...args, "--dir", CONTENT_DIR], c.io);
  return { code, out: c.out.join("\n"), err: c.err.join("\n") };
};

describe("cermin score", () => {
  it("prints the table with Indonesian 2-dp numbers and the WBK/WBBM verdicts", async () => {
    const r = await run("zi-2021", fx("zi-2021-we1-max"));
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^A\.I\s+ {2}Pemenuhan\s+30,00\s+30,00\s+100,00\s+87\/87$/m);
    expect(r.out).toMatch(/^B\.I\.1\s+ {4}Nilai Survei Persepsi Korupsi \(Survei Eksternal\)\s+17,50\s+17,50\s+100,00\s+1\/1$/m);
    expect(r.out).toMatch(/^TOTAL\s+100,00\s+100,00\s+100,00\s+113\/113$/m);
    expect(r.out).toContain("Menuju Wilayah Bebas dari Korupsi (WBK): MEMENUHI");
    expect(r.out).toContain("Menuju Wilayah Birokrasi Bersih dan Melayani (WBBM): NILAI MEMENUHI, menunggu data");
    expect(r.out).toContain("✓ Indeks Persepsi Anti Korupsi (IPAK): 17,50 (syarat ≥ 15,75)");
  });

  it("takes context and settings options", async () => {
    const r = await run("zi-2021", fx("zi-2021-we1-max"), "--context", "holds_wbk=true", "--setting", "zi_area_min_scope=per_half");
    expect(r.out).toContain("(WBBM): MEMENUHI");
    expect(r.out).toContain("zi_area_min_scope=per_half");
    expect(r.out).toContain("Manajemen Perubahan (A.II.1): 100,00%");
  });

  it("prints the Indeks RB predicate for pmprb-2014", async () => {
    // The Hasil of the official BPS 2015 workbook only (pmprb-2014 1.0.1): 30.952 → C
    const r = await run("pmprb-2014", fx("pmprb-2014-bps-2015"));
    expect(r.code).toBe(0);
    expect(r.out).toContain("Predikat Indeks RB: C (Kurang)");
    expect(r.out).not.toContain("WBK");
  });

  it("--json prints the full, unrounded result", async () => {
    const r = await run("zi-2021", fx("zi-2021-mixed"), "--json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ instrument: "zi-2021", version: "1.0.0", predicate: null });
    expect(json.nodes["A.I.1.ii"]).toMatchObject({ value: 2 / 3, max: 1, answered: 3, items: 3 });
    expect(json.nodes["A.I.1.i.a"]).toMatchObject({ value: 1, max: 1, percent: 100, answered: 1, items: 1 });
    expect(Object.keys(json.nodes).slice(0, 3)).toEqual(["total", "A", "A.I"]);
    expect(json.zi.wbk.criteria[0]).toMatchObject({ id: "total", actual: json.total, required: 75, pass: false });
    const pm = JSON.parse((await run("pmprb-2014", fx("pmprb-2014-1.0.1-max"), "--json")).out);
    expect(pm).toMatchObject({ instrument: "pmprb-2014", version: "1.0.1", total: 100 });
    expect(pm.predicate).toMatchObject({ code: "AA" });
    expect("zi" in pm).toBe(false);
  });

  it("exits 2 naming the item and the expected type for an invalid answer", async () => {
    const r = await run("zi-2021", answersFile("bad.json", JSON.stringify({ "A.I.1.i.b": "D", "A.II.1.i.a": { agen: 2 } })));
    expect(r.code).toBe(2);
    expect(r.err).toContain('A.I.1.i.b: "D" is not an option of this abc item (expected one of "A", "B", "C")');
    expect(r.err).toContain('A.II.1.i.a: missing input "perubahan"');
    expect(r.out).toBe("");
  });

  it("exits 2 for malformed JSON or a value of the wrong shape", async () => {
    const broken = await run("zi-2021", answersFile("broken.json", "{ not json"));
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/is not valid JSON/);
    const shape = await run("zi-2021", answersFile("shape.json", JSON.stringify({ "A.I.1.i.a": true })));
    expect(shape.code).toBe(2);
    expect(shape.err).toMatch(/A\.I\.1\.i\.a: expected "Ya"\/"Tidak", a letter, a number/);
    const array = await run("zi-2021", answersFile("array.json", "[]"));
    expect(array.code).toBe(2);
    expect(array.err).toMatch(/JSON object keyed by item id/);
  });

  it("exits 1 for an unknown instrument, an unreadable file or bad usage", async () => {
    const unknown = await run("pmprb-2020", fx("zi-2021-mixed"));
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(
      /unknown instrument "pmprb-2020" \(available: pmprb-2014, rb-2023-kabkota, rb-2023-kl, rb-2023-prov, rb-2024-kabkota, rb-2024-kl, rb-2024-prov, zi-2021\)/,
    );
    const missing = await run("zi-2021", path.join(tmp, "nope.json"));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read answers file/);
    const usage = await run("zi-2021");
    expect(usage.code).toBe(1);
    expect(usage.err).toMatch(/usage: cermin score/);
    expect((await run("zi-2021", fx("zi-2021-mixed"), "--setting", "abcd_values=fifths")).code).toBe(1);
  });
});
