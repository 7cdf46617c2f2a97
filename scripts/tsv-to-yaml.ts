/*
 * One-off generator: builds content/instruments/<id>.yaml from the domain specs
 * (../shared/domain/instruments/<id>.tsv). The YAML files are the committed source of truth;
 * rerun this only to regenerate from a corrected spec, then review the diff.
 *
 *   npx tsx scripts/tsv-to-yaml.ts [specDir] [outDir]
 *
 * Regulation facts that the TSV does not carry (titles, Indeks RB bands, WBK/WBBM thresholds, the
 * README §0 Hasil decisions) are written here once and then live in the YAML as data.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { parseInstrument } from "../app/domain/instrument/parse";

type Row = Record<
  "id" | "parent_path" | "subarea_weight" | "answer_type" | "options" | "inputs" | "evidence_hint" | "question" | "status",
  string
>;
type Obj = Record<string, unknown>;

const specDir = process.argv[2] ?? path.resolve(process.cwd(), "../shared/domain/instruments");
const outDir = process.argv[3] ?? path.resolve(process.cwd(), "content/instruments");

function readTsv(file: string): Row[] {
  const [header, ...lines] = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const cols = (header ?? "").split("\t");
  return lines.map((line) => {
    const cells = line.split("\t");
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? ""])) as Row;
  });
}

const SCALES = {
  yes_no: { Ya: 1, Tidak: 0 },
  abc: { A: 1, B: 0.5, C: 0 },
  abcd: { two_decimal: { A: 1, B: 0.67, C: 0.33, D: 0 }, exact_thirds: { A: 1, B: "2/3", C: "1/3", D: 0 } },
  abcde: { A: 1, B: 0.75, C: 0.5, D: 0.25, E: 0 },
};

const BANDS = [
  { code: "AA", label: "Sangat memuaskan", label_en: "Very satisfactory", above: 90, up_to: 100 },
  { code: "A", label: "Memuaskan", label_en: "Satisfactory", above: 80, up_to: 90 },
  { code: "BB", label: "Sangat baik", label_en: "Very good", above: 70, up_to: 80 },
  { code: "B", label: "Baik", label_en: "Good", above: 60, up_to: 70 },
  { code: "CC", label: "Cukup", label_en: "Fair", above: 50, up_to: 60 },
  { code: "C", label: "Kurang", label_en: "Poor", above: 30, up_to: 50 },
  { code: "D", label: "Sangat kurang", label_en: "Very poor", above: 0, up_to: 30 },
];

function ziVerdict(
  id: string,
  label: string,
  t: { total: number; pengungkit: number; area: number; bersih: number; ipak: number; capaian: number; ipkp: number; kawasan: number },
  extra: Obj[],
): Obj {
  return {
    id,
    label,
    criteria: [
      ...extra,
      { id: "total", kind: "node_min", label: "Nilai total (Pengungkit + Hasil)", node: "total", min: t.total },
      { id: "pengungkit", kind: "node_min", label: "Komponen Pengungkit", node: "A", min: t.pengungkit },
      { id: "area_min", kind: "area_percent_min", label: "Setiap area pengungkit (% dari bobot)", min_percent: t.area },
      {
        id: "bersih_akuntabel",
        kind: "node_min",
        label: "Birokrasi yang bersih dan akuntabel (IPAK + capaian kinerja)",
        node: "B.I",
        min: t.bersih,
      },
      { id: "ipak", kind: "node_min", label: "Indeks Persepsi Anti Korupsi (IPAK)", node: "B.I.1", min: t.ipak },
      { id: "capaian_kinerja", kind: "node_min", label: "Capaian kinerja", node: "B.I.2", min: t.capaian },
      { id: "ipkp", kind: "node_min", label: "Indeks Persepsi Kualitas Pelayanan (IPKP)", node: "B.II.1", min: t.ipkp },
      {
        id: "kawasan",
        kind: "context_min",
        label: "Kawasan (area Stranas PK): nilai integrasi proses bisnis",
        context: "kawasan_integration_score",
        min: t.kawasan,
        when_missing: "not_applicable",
      },
    ],
  };
}

const META: Record<string, Obj> = {
  "zi-2021": {
    version: "1.0.0",
    title: "Lembar Kerja Evaluasi Zona Integritas menuju WBK/WBBM",
    title_en: "Integrity Zone (WBK/WBBM) evaluation worksheet",
    regulation: {
      reference: "PermenPANRB Nomor 90 Tahun 2021, Lampiran III, sebagaimana diubah dengan PermenPANRB Nomor 5 Tahun 2024",
      note: "PermenPANRB 5/2024 tidak mengubah LKE; perubahan hanya pada aturan pengusulan (Lampiran II Bab II).",
    },
  },
  "pmprb-2014": {
    version: "1.0.0",
    title: "Lembar Kerja Evaluasi Penilaian Mandiri Pelaksanaan Reformasi Birokrasi (PMPRB)",
    title_en: "Bureaucratic reform self-assessment (PMPRB) worksheet",
    regulation: { reference: "PermenPANRB Nomor 14 Tahun 2014 (delapan area perubahan)" },
  },
};

/** README §0: the four Hasil rows without a verified conversion take the points of the external evaluation. */
const EXTERNAL_POINTS = new Set(["B.1.ii.a", "B.2.i.a", "B.2.ii.a", "B.3.i.a"]);

/** README §8 print anomalies, kept as reviewer notes. */
const NOTES: Record<string, string> = {
  "A.I.4.ii.g": "Cetakan Lampiran III memuat penjelasan butir h di bawah butir g.",
  "A.I.3.iii.c": "Cetakan menyisakan celah tepat 25% di antara kriteria A dan B.",
  "A.II.1.ii.a": 'Cetakan tidak mendefinisikan tepat 50% dan 80%; "di atas" dibaca lebih dari.',
  "B.I.2.a": "Cetakan hanya memuat kriteria A–D (teks E dari aplikasi); A (>100%) tumpang tindih dengan C (100% atau lebih).",
  "A.I.6.v.a": "Cetakan mengurutkan butir a, c, b; id mengikuti huruf cetakan.",
  "A.7.iii.b": 'Opsi D pada sumber mengulang opsi A (salah ketik); dibaca sebagai "belum".',
  "B.1.ii.a": "Keputusan produk (README §0): konversi skor belum terverifikasi, maka dipakai poin dari evaluasi eksternal.",
  "B.2.i.a": "Keputusan produk (README §0): konversi skor belum terverifikasi, maka dipakai poin dari evaluasi eksternal.",
  "B.2.ii.a":
    "Keputusan produk (README §0): nilai per kategori opini (WTP, WTP-DPP, WDP, TMP, TW, TML) belum terverifikasi, maka dipakai poin dari evaluasi eksternal.",
  "B.3.i.a": "Keputusan produk (README §0): konversi skor belum terverifikasi, maka dipakai poin dari evaluasi eksternal.",
};

const stripBrackets = (s: string) =>
  s
    .replace(/\[([^\]]*)\]/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
const num = (s: string) => Number(Number(s).toFixed(9));

function zeroRule(rule: string): { key: "default" | "when_numerator_zero"; outcome: Obj } | null {
  const m = /->\s*([01])(\s*\+\s*peringatan)?.*?(?:\[(app|inferred)\])?\s*$/.exec(rule);
  if (!m) return null;
  const outcome: Obj = { value: Number(m[1]), warn: !!m[2] };
  if (m[3]) outcome.basis = m[3];
  // "lalu=0 dan kini=0": both the denominator and the numerator (lalu − kini) are zero.
  const key = /=0 dan \w+=0/.test(rule) ? "when_numerator_zero" : "default";
  return { key, outcome };
}

function percentParts(row: Row): Obj {
  const segments = row.inputs
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
  const inputs: Obj[] = [];
  let formula: Obj | null = null;
  const zero: Obj = {};
  const guidance: string[] = [];
  for (const seg of segments) {
    if (seg.includes("->")) {
      const r = zeroRule(seg);
      if (!r) throw new Error(`${row.id}: cannot read rule "${seg}"`);
      zero[r.key] = r.outcome;
      guidance.push(seg.replace("->", "→"));
    } else if (seg.startsWith("nilai=")) {
      const f = seg.slice(6);
      guidance.unshift(`Nilai = ${f}`);
      const basis = /\[app\]/.test(f) ? { basis: "app" } : {};
      let m: RegExpExecArray | null;
      if ((m = /^max\(0, min\(1, \((\w+)-(\w+)\)\/(\w+)\)\)/.exec(f)))
        formula = { kind: "decrease_ratio", before: m[1], after: m[2], cap: 1, ...basis };
      else if ((m = /^min\(1, (\w+)\/\(([\w+]+)\)\)/.exec(f)))
        formula = { kind: "ratio", numerator: m[1], denominator: (m[2] ?? "").split("+"), cap: 1, ...basis };
      else if ((m = /^min\(1, (\w+)\/(\w+)\)/.exec(f))) formula = { kind: "ratio", numerator: m[1], denominator: [m[2]], cap: 1, ...basis };
      else throw new Error(`${row.id}: unknown formula "${f}"`);
    } else {
      const m = /^(\w+)=(.*)$/.exec(seg);
      if (!m) throw new Error(`${row.id}: cannot read input "${seg}"`);
      const informational = /\(informasi/.test(m[2] ?? "");
      inputs.push({ name: m[1], label: (m[2] ?? "").trim(), ...(informational ? { informational: true } : {}) });
    }
  }
  if (!formula) throw new Error(`${row.id}: no formula`);
  formula.on_zero_denominator = zero;
  return { inputs, formula, guidance: guidance.join("; ") };
}

function item(row: Row): Obj {
  const out: Obj = { id: row.id, type: row.answer_type, question: row.question };
  const external = EXTERNAL_POINTS.has(row.id);
  if (external) {
    out.type = "external_points";
    out.spec_type = row.answer_type;
    out.guidance = `Masukkan poin yang diberikan evaluasi eksternal untuk indikator ini (0 sampai ${num(row.subarea_weight)}), dengan dokumen sumbernya sebagai bukti dukung. Nilai = poin / bobot.`;
  } else if (["yes_no", "abc", "abcd", "abcde"].includes(row.answer_type)) {
    out.options = row.options.split("|").map((o) => {
      const i = o.indexOf("=");
      return { code: o.slice(0, i), criterion: o.slice(i + 1) };
    });
  } else if (row.answer_type === "percent") {
    Object.assign(out, percentParts(row));
  } else if (row.answer_type === "survey_0_4" || row.answer_type === "index_score") {
    const range = /skala (\d+)-(\d+)|\((\d+)-(\d+)\)/.exec(row.inputs);
    if (row.answer_type === "index_score") out.scale = { min: Number(range?.[3] ?? range?.[1]), max: Number(range?.[4] ?? range?.[2]) };
    out.guidance = row.inputs.replace(/;\s*/g, "; ");
  } else {
    throw new Error(`${row.id}: unsupported answer type ${row.answer_type}`);
  }
  out.evidence = row.evidence_hint
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
  if (NOTES[row.id]) out.note = NOTES[row.id];
  out.status = row.status;
  return out;
}

interface Node extends Obj {
  id: string;
  label: string;
  weight: number;
  children: Node[];
  items?: Obj[];
}

function build(rows: Row[]): Node[] {
  const roots: Node[] = [];
  const byId = new Map<string, Node>();
  for (const row of rows) {
    const segs = row.id.split(".");
    const names = row.parent_path.split(" > ").map(stripBrackets);
    let siblings = roots;
    for (let depth = 1; depth < segs.length; depth++) {
      const id = segs.slice(0, depth).join(".");
      let node = byId.get(id);
      if (!node) {
        node = { id, label: names[depth - 1] ?? id, weight: 0, children: [] };
        byId.set(id, node);
        siblings.push(node);
      }
      siblings = node.children;
      if (depth === segs.length - 1) {
        node.weight = num(row.subarea_weight);
        (node.items ??= []).push(item(row));
      }
    }
  }
  const sum = (n: Node): number => (n.items ? n.weight : (n.weight = num(String(n.children.reduce((s, c) => s + sum(c), 0)))));
  roots.forEach(sum);
  return roots;
}

const COMPONENT_EN: Record<string, string> = { Pengungkit: "Enablers", Hasil: "Results", Pemenuhan: "Fulfilment", Reform: "Reform" };

/** Names the levels of the content format: component → [subcomponent] → area → [subarea]. */
function shape(node: Node, level: "component" | "subcomponent" | "area" | "subarea"): Obj {
  const en = COMPONENT_EN[node.label];
  const base: Obj = { id: node.id, label: node.label, ...(en && level !== "area" ? { label_en: en } : {}), weight: node.weight };
  if (node.items) return { ...base, items: node.items };
  const seg = node.children[0]?.id.split(".").pop() ?? "";
  if (level === "component") {
    return /^[IVX]+$/.test(seg)
      ? { ...base, subcomponents: node.children.map((c) => shape(c, "subcomponent")) }
      : { ...base, areas: node.children.map((c) => shape(c, "area")) };
  }
  if (level === "subcomponent") return { ...base, areas: node.children.map((c) => shape(c, "area")) };
  return { ...base, subareas: node.children.map((c) => shape(c, "subarea")) };
}

function ziEvaluation(tree: Node[]): Obj {
  const pengungkit = tree.find((n) => n.id === "A");
  const halves = pengungkit?.children ?? [];
  const groups = (halves[0]?.children ?? []).map((area) => {
    const n = area.id.split(".").pop() ?? "";
    return { id: n, label: area.label, nodes: halves.map((h) => `${h.id}.${n}`) };
  });
  return {
    zi_area_groups: groups,
    zi_verdicts: [
      ziVerdict(
        "wbk",
        "Menuju Wilayah Bebas dari Korupsi (WBK)",
        { total: 75, pengungkit: 40, area: 60, bersih: 18.25, ipak: 15.75, capaian: 2.5, ipkp: 14, kawasan: 6.5 },
        [],
      ),
      ziVerdict(
        "wbbm",
        "Menuju Wilayah Birokrasi Bersih dan Melayani (WBBM)",
        { total: 85, pengungkit: 48, area: 75, bersih: 19.5, ipak: 15.75, capaian: 3.75, ipkp: 15.75, kawasan: 7.5 },
        [{ id: "holds_wbk", kind: "context_flag", label: "Unit telah meraih predikat WBK", context: "holds_wbk", when_missing: "unknown" }],
      ),
    ],
  };
}

for (const id of ["zi-2021", "pmprb-2014"]) {
  const rows = readTsv(path.join(specDir, `${id}.tsv`));
  const tree = build(rows);
  const doc = {
    id,
    ...META[id],
    status: "published",
    settings: { abcd_values: "two_decimal", zi_area_min_scope: "combined" },
    total_weight: 100,
    answer_scales: SCALES,
    tree: tree.map((n) => shape(n, "component")),
    evaluation: id === "zi-2021" ? ziEvaluation(tree) : { predicate_bands: BANDS },
  };
  const header =
    `# ${id}: instrument content (source of truth; edit here, not in code).\n` +
    `# First generated from shared/domain/instruments/${id}.tsv by scripts/tsv-to-yaml.ts.\n` +
    `# Validated by app/domain/instrument (schema.ts, validate.ts); check with: npx cermin instruments check\n`;
  const text = header + stringify(doc, { lineWidth: 0 });
  parseInstrument(text, `${id}.yaml`);
  writeFileSync(path.join(outDir, `${id}.yaml`), text);
  console.log(`${id}: ${rows.length} items → ${path.join(outDir, `${id}.yaml`)}`);
}
