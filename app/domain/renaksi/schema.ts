import { z } from "zod";

/*
 * The content format of the rencana aksi (RB action plan) master data, content/renaksi/*.yaml.
 * Three kinds of file, told apart by `kind`:
 *   rb_general   the kegiatan utama (KU) and their indicators (spec rb-2024.md §2.1)
 *   lke_renaksi  the evaluator's graded worksheet of the plan, its conversion table and bands (§2.4)
 *   tematik      the themes of the year and the fokus intervensi (§3.1, §3.2)
 * Everything specific to a year is data here; the functions of this folder only know the shapes.
 * Where the spec says "gap", the file says so in `gaps` (file level) or `gap: true` + `note` on a
 * field, instead of inventing a value.
 */

/** The organisation kinds of the database, exactly as content/instruments/rb-2023-*.yaml `applies_to` names them. */
export const ORGANISATION_KINDS = ["kementerian_lembaga", "pemda_provinsi", "pemda_kabkota"] as const;
export const OrganisationKindSchema = z.enum(ORGANISATION_KINDS);
export type OrganisationKind = z.infer<typeof OrganisationKindSchema>;

const Code = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "code: upper-case letters, digits and _");
const Text = z.string().trim().min(1);

/** Something the spec could not establish (rb-2024.md §7): said, never filled in. */
export const GapSchema = z
  .object({
    topic: z.string().regex(/^[a-z][a-z0-9_]*$/),
    note: Text,
    note_en: Text,
  })
  .strict();
export type Gap = z.infer<typeof GapSchema>;

const Header = {
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  year: z.number().int().min(2000).max(2100),
  title: Text,
  title_en: Text,
  source: Text,
  gaps: z.array(GapSchema).default([]),
};

// ── rb_general (§2.1) ──────────────────────────────────────────────────────────────────────────

export const KegiatanUtamaSchema = z
  .object({
    code: z.string().regex(/^KU\d{2}$/, "code: KU and two digits"),
    /** The KU's number in the national road map (1–21). */
    number: z.number().int().positive(),
    name: Text,
    name_en: Text,
    note: Text.optional(),
    note_en: Text.optional(),
  })
  .strict();
export type KegiatanUtama = z.infer<typeof KegiatanUtamaSchema>;

export const INDICATOR_TYPES = ["Kuantitatif", "Kualitatif"] as const;

export const IndicatorSchema = z
  .object({
    code: z.string().regex(/^IND\d{2}$/, "code: IND and two digits"),
    kegiatan_utama: z.string().regex(/^KU\d{2}$/),
    name: Text,
    name_en: Text,
    /** Organisation kinds asked for this indicator (portal flags indikator.kl/provinsi/kabupaten); may be empty. */
    kinds: z.array(OrganisationKindSchema),
    /** Kuantitatif/Kualitatif where known; omitted where the spec has no value (gap in the file's `gaps`). */
    tipe: z.enum(INDICATOR_TYPES).optional(),
    note: Text.optional(),
    note_en: Text.optional(),
  })
  .strict();
export type Indicator = z.infer<typeof IndicatorSchema>;

export const RbGeneralContentSchema = z
  .object({
    kind: z.literal("rb_general"),
    ...Header,
    kegiatan_utama: z.array(KegiatanUtamaSchema).min(1),
    indicators: z.array(IndicatorSchema).min(1),
  })
  .strict();
export type RbGeneralContent = z.infer<typeof RbGeneralContentSchema>;

// ── lke_renaksi (§2.4) ─────────────────────────────────────────────────────────────────────────

export const GRADES = ["A", "B", "C", "D", "E"] as const;
export type Grade = (typeof GRADES)[number];
export const YES_NO = ["YA", "TIDAK"] as const;
export type YesNo = (typeof YES_NO)[number];
/** An evaluator's answer to one graded criterion. */
export type RenaksiAnswer = Grade | YesNo;

export const CRITERION_ANSWER_KINDS = ["grade", "yes_no"] as const;
/** Computed nodes carry a role so code can name the portal's three figures without naming node codes. */
export const COMPUTED_ROLES = ["strategi", "penilaian_ku", "penetapan_ra"] as const;
export type ComputedRole = (typeof COMPUTED_ROLES)[number];

const Range = z.object({ min: z.number().finite(), max: z.number().finite() }).strict();
/** Portal ids of the node per cycle year ("2024": 4, "2025": 15); data only, never used as keys. */
const PortalIds = z.record(z.string().regex(/^\d{4}$/), z.number().int().positive());

const NodeCommon = {
  code: Code,
  portal_ids: PortalIds.default({}),
  label: Text,
  label_en: Text,
  /** The portal's own spelling where it differs from `label` (e.g. a typo kept for matching imports). */
  portal_label: Text.optional(),
  note: Text.optional(),
  note_en: Text.optional(),
};

export const CriterionSchema = z
  .object({
    ...NodeCommon,
    answer: z.enum(CRITERION_ANSWER_KINDS),
    text: Text,
    text_en: Text,
    guidance: Text,
    guidance_en: Text,
  })
  .strict();
export type Criterion = z.infer<typeof CriterionSchema>;

export interface ComputedNode {
  code: string;
  role?: ComputedRole | undefined;
  portal_ids: Record<string, number>;
  label: string;
  label_en: string;
  portal_label?: string | undefined;
  note?: string | undefined;
  note_en?: string | undefined;
  answer: "computed";
  /** value = round(factor × aggregate(children values), decimals); decimals null = unrounded. */
  aggregate: "sum" | "mean";
  factor: number;
  decimals: number | null;
  range: { min: number; max: number };
  children: LkeNode[];
}
export type LkeNode = Criterion | ComputedNode;

export const ComputedNodeSchema: z.ZodType<ComputedNode, z.ZodTypeDef, unknown> = z.lazy(() =>
  z
    .object({
      ...NodeCommon,
      role: z.enum(COMPUTED_ROLES).optional(),
      answer: z.literal("computed"),
      aggregate: z.enum(["sum", "mean"]),
      factor: z.number().finite().positive(),
      decimals: z.number().int().min(0).max(6).nullable(),
      range: Range,
      children: z.array(LkeNodeSchema).min(1),
    })
    .strict(),
);
export const LkeNodeSchema: z.ZodType<LkeNode, z.ZodTypeDef, unknown> = z.lazy(() => z.union([ComputedNodeSchema, CriterionSchema]));

export const GradeBandSchema = z
  .object({
    grade: z.enum(GRADES),
    /** Inclusive lower bound of the share (0..1) of items satisfying the condition. */
    from: z.number().min(0).max(1),
  })
  .strict();
export type GradeBand = z.infer<typeof GradeBandSchema>;

export const LkeRenaksiContentSchema = z
  .object({
    kind: z.literal("lke_renaksi"),
    ...Header,
    conversion: z
      .object({
        grade: z.object({ A: z.number(), B: z.number(), C: z.number(), D: z.number(), E: z.number() }).strict(),
        yes_no: z.object({ YA: z.number(), TIDAK: z.number() }).strict(),
        missing: z.number(),
      })
      .strict(),
    bands: z.array(GradeBandSchema).length(GRADES.length),
    root: ComputedNodeSchema,
  })
  .strict();
export type LkeRenaksiContent = z.infer<typeof LkeRenaksiContentSchema>;

// ── tematik (§3.1, §3.2) ───────────────────────────────────────────────────────────────────────

const KindMap = <T extends z.ZodTypeAny>(value: T) =>
  z.object({ kementerian_lembaga: value, pemda_provinsi: value, pemda_kabkota: value }).strict();

export const ThemeSchema = z
  .object({
    code: Code,
    /** The theme as the portal's theme table names it. */
    name: Text,
    name_en: Text,
    /** The name of the theme's LKE rows per organisation kind (§1.3: K/L "Laju Inflasi", Pemda "Pengendalian Inflasi"). */
    lke_name: KindMap(Text),
    note: Text.optional(),
    note_en: Text.optional(),
  })
  .strict();
export type Theme = z.infer<typeof ThemeSchema>;

export const TematikRowSchema = z
  .object({
    part: z.enum(["capaian", "strategi_pembangunan", "capaian_dampak"]),
    label: Text,
    range: Range,
  })
  .strict();

export const FokusIntervensiSchema = z.object({ code: Code, name: Text, name_en: Text }).strict();
export type FokusIntervensi = z.infer<typeof FokusIntervensiSchema>;

export const TematikContentSchema = z
  .object({
    kind: z.literal("tematik"),
    ...Header,
    themes: z.array(ThemeSchema).min(1),
    /** The LKE rows each theme gets, per organisation kind (§1.3); their rubric is a gap (G7). */
    lke_rows: KindMap(z.array(TematikRowSchema).min(1)),
    fokus_intervensi: z.array(FokusIntervensiSchema).min(1),
  })
  .strict();
export type TematikContent = z.infer<typeof TematikContentSchema>;

export const RenaksiFileSchema = z.discriminatedUnion("kind", [RbGeneralContentSchema, LkeRenaksiContentSchema, TematikContentSchema]);
export type RenaksiFile = z.infer<typeof RenaksiFileSchema>;

/** The content of one cycle year: all three files. */
export interface RenaksiContent {
  /** The year asked for. */
  year: number;
  general: RbGeneralContent;
  lke: LkeRenaksiContent;
  tematik: TematikContent;
  /**
   * True when some file is an earlier year's (no file for `year` yet): the 2025 LKE Renaksi is a copy
   * of the 2024 tree (§1.4), but the 2025 themes are a gap (§3.1), so the UI should say so.
   */
  carriedForward: boolean;
}
