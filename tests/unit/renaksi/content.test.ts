/**
 * content/renaksi/*.yaml parse and hold what rb-2024.md §2.1, §2.4 and §3.1 say; the parser rejects
 * broken files naming the code; content is chosen by year.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ORGANISATION_KINDS,
  RenaksiContentError,
  parseRenaksiFile,
  renaksiContentForYear,
  renaksiCriteria,
  type ComputedNode,
  type LkeNode,
} from "~/domain/renaksi";
import { instrument } from "../scoring/instruments";
import { RENAKSI_DIR, content2024, renaksiFiles } from "./fixtures";

const c = content2024();
const text = (f: string) => readFileSync(path.join(RENAKSI_DIR, f), "utf8");

function issuesOf(yaml: string): Array<{ at: string; message: string }> {
  try {
    parseRenaksiFile(yaml, "x.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(RenaksiContentError);
    return (e as RenaksiContentError).issues;
  }
  throw new Error("parsed");
}

describe("the shipped files", () => {
  it("three files of 2024, each id its file name", () => {
    const files = renaksiFiles();
    expect(files.map((f) => [f.kind, f.id, f.year])).toEqual([
      ["lke_renaksi", "lke-renaksi-2024", 2024],
      ["rb_general", "rb-general-2024", 2024],
      ["tematik", "tematik-2024", 2024],
    ]);
    expect(c.carriedForward).toBe(false);
  });

  it("rb-general: 21 kegiatan utama KU01…KU21 and 31 indicators", () => {
    expect(c.general.kegiatan_utama.map((k) => k.code)).toEqual(
      Array.from({ length: 21 }, (_, i) => `KU${String(i + 1).padStart(2, "0")}`),
    );
    expect(c.general.indicators).toHaveLength(31);
    expect(new Set(c.general.indicators.map((i) => i.code)).size).toBe(31);
  });

  it("rb-general: organisation kinds are the instruments' own, with the flags of §2.1", () => {
    const instrumentKinds = new Set(
      (["rb-2023-kl", "rb-2023-prov", "rb-2023-kabkota"] as const).flatMap((id) => instrument(id).applies_to?.organisation_kinds ?? []),
    );
    expect([...instrumentKinds].sort()).toEqual([...ORGANISATION_KINDS].sort());
    const byName = (name: string) => c.general.indicators.filter((i) => i.name === name);
    expect(byName("Indeks Perencanaan Pembangunan")[0]!.kinds).toEqual(["kementerian_lembaga", "pemda_provinsi"]);
    expect(byName("Capaian Prioritas Nasional")[0]!.kinds).toEqual(["kementerian_lembaga"]);
    expect(byName("Capaian IKU Makro")[0]!.kinds).toEqual(["pemda_provinsi", "pemda_kabkota"]);
    expect(byName("Tingkat Implementasi Kebijakan Transformasi Digital MPP")[0]!.kinds).toEqual([]);
    expect(byName("Indeks Sistem Merit").map((i) => i.kegiatan_utama)).toEqual(["KU16", "KU17", "KU18", "KU19"]);
    const count = (kind: string) => c.general.indicators.filter((i) => (i.kinds as string[]).includes(kind)).length;
    expect([count("kementerian_lembaga"), count("pemda_provinsi"), count("pemda_kabkota")]).toEqual([29, 27, 26]);
  });

  it("rb-general: tipe is unknown (omitted) and the gap is said", () => {
    expect(c.general.indicators.every((i) => i.tipe === undefined)).toBe(true);
    expect(c.general.gaps.map((g) => g.topic)).toContain("indicator_type");
  });

  it("lke-renaksi: 7 graded criteria under 3 computed nodes, portal ids 2024 2–11 and 2025 13–22", () => {
    const criteria = renaksiCriteria(c.lke);
    expect(criteria.map((k) => [k.code, k.answer])).toEqual([
      ["PKU1", "grade"],
      ["PKU2", "grade"],
      ["PKU3", "yes_no"],
      ["PRA1", "grade"],
      ["PRA2", "grade"],
      ["PRA3", "grade"],
      ["PRA4", "grade"],
    ]);
    const all: LkeNode[] = [];
    const walk = (n: LkeNode) => {
      all.push(n);
      if (n.answer === "computed") n.children.forEach(walk);
    };
    walk(c.lke.root);
    const computed = all.filter((n): n is ComputedNode => n.answer === "computed");
    expect(computed.map((n) => [n.code, n.role, n.aggregate, n.factor, n.decimals, n.range.max])).toEqual([
      ["STRATEGI", "strategi", "sum", 1, null, 3],
      ["PKU", "penilaian_ku", "mean", 1, 2, 1],
      ["PRA", "penetapan_ra", "mean", 2, 2, 2],
    ]);
    expect(all.map((n) => n.portal_ids["2024"])).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(all.map((n) => n.portal_ids["2025"])).toEqual([13, 14, 15, 16, 17, 18, 19, 20, 21, 22]);
    for (const k of criteria) for (const f of [k.text, k.text_en, k.guidance, k.guidance_en]) expect(f.length).toBeGreaterThan(10);
  });

  it("lke-renaksi: the conversion table", () => {
    expect(c.lke.conversion).toEqual({ grade: { A: 1, B: 0.75, C: 0.5, D: 0.25, E: 0 }, yes_no: { YA: 1, TIDAK: 0 }, missing: 0 });
  });

  it("tematik: 5 themes with the LKE names per kind, 6 fokus intervensi", () => {
    expect(c.tematik.themes.map((t) => t.name)).toEqual([
      "Pengentasan Kemiskinan",
      "Realisasi Investasi",
      "Digitalisasi Pemerintahan",
      "Penggunaan Produk Dalam Negeri",
      "Pengendalian Inflasi",
    ]);
    const inflasi = c.tematik.themes.find((t) => t.code === "INFLASI")!;
    expect(inflasi.lke_name).toEqual({
      kementerian_lembaga: "Laju Inflasi",
      pemda_provinsi: "Pengendalian Inflasi",
      pemda_kabkota: "Pengendalian Inflasi",
    });
    expect(c.tematik.fokus_intervensi.map((f) => f.name)).toEqual([
      "Perencanaan dan Penganggaran",
      "Proses Bisnis dan SOP",
      "Sumber Daya Manusia",
      "Pengawasan",
      "Teknologi dan Informasi",
      "Inovasi",
    ]);
    // K/L one 0–2 row per theme (5 × 2 = 10); Pemda 0–1 + 0–3 (5 × 4 = 20): the Tematik totals of §1.3.
    const max = (k: keyof typeof c.tematik.lke_rows) =>
      c.tematik.lke_rows[k].reduce((s, r) => s + r.range.max, 0) * c.tematik.themes.length;
    expect([max("kementerian_lembaga"), max("pemda_provinsi"), max("pemda_kabkota")]).toEqual([10, 20, 20]);
    expect(c.tematik.gaps.map((g) => g.topic)).toEqual(expect.arrayContaining(["tematik_rubric", "themes_2025"]));
  });
});

describe("content by year", () => {
  it("2025 runs on the 2024 files, marked carried forward; before 2024 there is none", () => {
    const files = renaksiFiles();
    const y2025 = renaksiContentForYear(files, 2025)!;
    expect([y2025.year, y2025.lke.year, y2025.carriedForward]).toEqual([2025, 2024, true]);
    expect(renaksiContentForYear(files, 2023)).toBeNull();
  });
  it("a file of the year itself wins over an earlier one", () => {
    const later = parseRenaksiFile(
      text("tematik-2024.yaml").replace("id: tematik-2024", "id: tematik-2025").replace("year: 2024", "year: 2025"),
      "t.yaml",
    );
    const y2025 = renaksiContentForYear([...renaksiFiles(), later], 2025)!;
    expect(y2025.tematik.id).toBe("tematik-2025");
    expect(y2025.carriedForward).toBe(true); // the other two are still 2024's
  });
});

describe("the parser rejects broken content, naming the code", () => {
  it("unparsable YAML", () => {
    expect(issuesOf("kind: [unclosed")[0]!.at).toBe("x.yaml");
  });
  it("schema violations located by code", () => {
    const issues = issuesOf(text("rb-general-2024.yaml").replace("kinds: [kementerian_lembaga]\n", "kinds: [kl]\n"));
    expect(issues[0]).toMatchObject({ at: "IND07" });
    expect(issues[0]!.message).toMatch(/^kinds\.0: /);
  });
  it("unknown kind of file and unknown keys", () => {
    expect(issuesOf("kind: other\n")[0]!.message).toMatch(/discriminator/i);
    expect(issuesOf(text("tematik-2024.yaml").replace("themes:", "colour: red\nthemes:")).some((i) => /colour/.test(i.message))).toBe(true);
  });
  it("a dangling kegiatan utama, duplicate codes and a mismatched number", () => {
    const yaml = text("rb-general-2024.yaml")
      .replace("kegiatan_utama: KU21", "kegiatan_utama: KU22")
      .replace("code: IND02", "code: IND01")
      .replace("number: 3\n", "number: 4\n");
    const issues = issuesOf(yaml);
    expect(issues).toEqual(
      expect.arrayContaining([
        { at: "IND01", message: "duplicate indicator code" },
        { at: "KU03", message: "code does not match number 4" },
        { at: "IND30", message: "unknown kegiatan utama KU22" },
      ]),
    );
  });
  it("lke-renaksi: a missing role, a conversion value above 1, unordered bands", () => {
    const yaml = text("lke-renaksi-2024.yaml")
      .replace("      role: penetapan_ra\n", "")
      .replace("    B: 0.75\n", "    B: 1.5\n")
      .replace("from: 0.5\n", "from: 0.8\n");
    const messages = issuesOf(yaml).map((i) => i.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        "role penetapan_ra must be on exactly one computed node (found 0)",
        "conversion values must lie in [0, 1]",
        "band lower bounds must fall strictly",
      ]),
    );
  });
});
