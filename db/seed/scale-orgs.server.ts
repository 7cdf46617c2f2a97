import type { Db } from "#db/client.server";
import type { Layer, OrganisationKind } from "#db/schema";
import { outlineOf } from "~/domain/instrument/outline";
import type { Instrument } from "~/domain/instrument/schema";
import type { Answers } from "~/domain/scoring/answers";
import { freezeInstrument } from "~/services/instruments/frozen.server";
import { newId } from "~/utils/ids";
import { mulberry32 } from "~/utils/random";
import { demoAnswer } from "./demo-assessments.server";
import { addSnapshot, answerRow, Batcher } from "./scale.server";

/**
 * Many organisations for the roll-ups (issue #30; `cermin db seed --scale 600x3 --organisations`): the three
 * kinds in about Indonesia's proportions (1 in 10 a ministry or agency, 1 in 16 a province, the rest
 * regencies and cities, each regency under a province by `parent_id`), one top unit each, and `cycles`
 * closed yearly periods (ending last year) in which every organisation has a final Evaluasi RB assessment
 * of its kind (rb-2023-* up to 2023, rb-2024-* after) with its self snapshot; a share of them also has a
 * released evaluator layer (internal TPI, a third of those also external TPN) with its snapshot.
 */
export interface OrgScaleOptions {
  organisations: number;
  cycles: number;
  seed?: number;
  /** Share of assessments with a released evaluator layer (default 0.3). */
  evaluatorShare?: number;
}

export interface OrgScaleResult {
  organisationIds: string[];
  provinces: string[];
  regencies: string[];
  ministries: string[];
  years: number[];
  assessments: number;
  snapshots: number;
  nodeRows: number;
  ms: number;
}

const KIND_CODE: Record<OrganisationKind, string> = { kementerian_lembaga: "kl", pemda_provinsi: "prov", pemda_kabkota: "kabkota" };
export const ORG_SCALE_CODE_PREFIX = "REKAP-";

/** The Evaluasi RB instrument of a kind and year: the 2023 worksheet up to 2023, the 2024 one after. */
export const rbInstrumentFor = (kind: OrganisationKind, year: number) => `rb-${year <= 2023 ? 2023 : 2024}-${KIND_CODE[kind]}`;

export async function seedOrganisationsScale(db: Db, opts: OrgScaleOptions): Promise<OrgScaleResult> {
  const started = performance.now();
  const rnd = mulberry32(opts.seed ?? 20261207);
  const share = opts.evaluatorShare ?? 0.3;
  const lastYear = new Date().getUTCFullYear() - 1;
  const years = Array.from({ length: opts.cycles }, (_, i) => lastYear - opts.cycles + 1 + i);
  const instruments = new Map<string, { hash: string; instrument: Instrument }>();
  for (const year of years)
    for (const kind of Object.keys(KIND_CODE) as OrganisationKind[]) {
      const id = rbInstrumentFor(kind, year);
      if (instruments.has(id)) continue;
      const frozen = await freezeInstrument(db, id);
      if (!frozen) throw new Error(`unknown or unpublished instrument ${id}`);
      instruments.set(id, frozen);
    }
  const nMinistries = Math.max(1, Math.round(opts.organisations / 10));
  const nProvinces = Math.max(1, Math.round(opts.organisations / 16));
  const nRegencies = Math.max(0, opts.organisations - nMinistries - nProvinces);
  const now = new Date().toISOString();
  const out: OrgScaleResult = {
    organisationIds: [],
    provinces: [],
    regencies: [],
    ministries: [],
    years,
    assessments: 0,
    snapshots: 0,
    nodeRows: 0,
    ms: 0,
  };
  const batch = String(Date.now() % 1e6).padStart(6, "0");

  await db.transaction().execute(async (trx) => {
    const b = new Batcher(trx);
    const orgs: { id: string; kind: OrganisationKind; unitId: string; quality: number; slope: number }[] = [];
    const addOrg = async (kind: OrganisationKind, name: string, parentId: string | null) => {
      const id = newId();
      const unitId = newId();
      const code = `${ORG_SCALE_CODE_PREFIX}${batch}-${String(orgs.length + 1).padStart(4, "0")}`;
      await b.add("organisation", { id, name, kind, code, archived_at: null, created_at: now, parent_id: parentId });
      await b.add("unit", {
        id: unitId,
        organisation_id: id,
        parent_id: null,
        path: `/${unitId}/`,
        name: "Sekretariat",
        kind: "sekretariat",
        code: null,
        archived_at: null,
        created_at: now,
      });
      orgs.push({ id, kind, unitId, quality: 0.1 + rnd() * 0.8, slope: rnd() * 0.08 - 0.02 });
      out.organisationIds.push(id);
      return id;
    };
    for (let i = 0; i < nMinistries; i++)
      out.ministries.push(await addOrg("kementerian_lembaga", `Kementerian Skala ${String(i + 1).padStart(3, "0")}`, null));
    for (let i = 0; i < nProvinces; i++)
      out.provinces.push(await addOrg("pemda_provinsi", `Provinsi Skala ${String(i + 1).padStart(2, "0")}`, null));
    for (let i = 0; i < nRegencies; i++)
      out.regencies.push(
        await addOrg("pemda_kabkota", `Kabupaten Skala ${String(i + 1).padStart(4, "0")}`, out.provinces[i % nProvinces]!),
      );
    await b.flush();

    for (const [yi, year] of years.entries()) {
      const at = `${year + 1}-04-28T03:00:00.000Z`;
      for (const org of orgs) {
        const periodId = newId();
        await b.add("period", {
          id: periodId,
          organisation_id: org.id,
          year,
          name: `Periode ${year}`,
          status: "closed",
          fill_start: null,
          fill_end: null,
          review_end: null,
          evaluation_end: null,
          created_at: now,
        });
        const instrumentId = rbInstrumentFor(org.kind, year);
        const { hash, instrument } = instruments.get(instrumentId)!;
        const outline = outlineOf(instrument);
        const id = newId();
        out.assessments++;
        await b.add("assessment", {
          id,
          organisation_id: org.id,
          unit_id: org.unitId,
          period_id: periodId,
          instrument_id: instrumentId,
          instrument_hash: hash,
          status: "final",
          carried_from_id: null,
          created_by: null,
          created_at: at,
          updated_at: at,
          submitted_at: at,
          finalised_at: at,
          finalised_by: null,
        });
        const quality = Math.min(0.95, Math.max(0.05, org.quality + org.slope * yi));
        const fill = rnd() < 0.1 ? 0.75 : 1;
        const answers: Answers = {};
        for (const item of outline.items.values()) {
          if (rnd() > fill) continue;
          const v = demoAnswer(item, quality, rnd, outline.groupWeight.get(item.id));
          if (v !== null) answers[item.id] = v;
        }
        for (const [itemId, v] of Object.entries(answers)) await b.add("answer", answerRow(id, "self", itemId, v, at));
        await addSnapshot(b, instrument, hash, id, "self", answers, at);
        if (rnd() >= share) continue;
        const layers: Layer[] = rnd() < 1 / 3 ? ["internal", "external"] : ["internal"];
        for (const layer of layers) {
          const own: Answers = {};
          for (const item of outline.items.values()) {
            if (rnd() > 0.2 || answers[item.id] === undefined) continue;
            const v = demoAnswer(item, Math.max(0, quality - 0.15), rnd, outline.groupWeight.get(item.id));
            if (v !== null) own[item.id] = v;
          }
          for (const [itemId, v] of Object.entries(own)) await b.add("answer", answerRow(id, layer, itemId, v, at));
          const releasedAt = `${year + 1}-03-01T03:00:00.000Z`;
          await b.add("layer_release", {
            id: newId(),
            assessment_id: id,
            layer,
            released_at: releasedAt,
            released_by: null,
            revoked_at: null,
            revoked_by: null,
            revoke_reason: null,
          });
          await addSnapshot(b, instrument, hash, id, layer, { ...answers, ...own }, releasedAt);
        }
      }
      await b.flush();
    }
    out.snapshots = b.count.get("score_snapshot") ?? 0;
    out.nodeRows = b.count.get("score_snapshot_node") ?? 0;
  });
  out.ms = Math.round(performance.now() - started);
  return out;
}
