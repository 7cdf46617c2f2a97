import type { Db } from "#db/client.server";
import type { AssessmentStatus } from "#db/schema";
import { outlineOf } from "~/domain/instrument/outline";
import type { Instrument, Item } from "~/domain/instrument/schema";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";
import { newId } from "~/utils/ids";
import { freezeInstrument } from "~/services/instruments/frozen.server";
import { sealAssessment } from "~/services/seal/seal.server";
import { writeSnapshot } from "~/services/workbench/workflow.server";

/** Deterministic pseudo-random numbers, so a demo database looks the same every time. */
export function demoRandom(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

/** A plausible answer: `quality` in [0,1] shifts options towards the best ones and ratios towards 1. */
export function demoAnswer(item: Item, quality: number, rnd: () => number, groupWeight = 1): AnswerValue {
  const bias = () => Math.min(0.999, Math.max(0, rnd() * (1.25 - quality)));
  if (item.options && item.options.length > 0) return item.options[Math.floor(bias() * item.options.length)]!.code;
  if (item.type === "percent") {
    const out: Record<string, number> = {};
    const base = 2 + Math.floor(rnd() * 8);
    (item.inputs ?? []).forEach((input, i) => {
      out[input.name] = i === 0 ? base : Math.round(base * (1 - bias() * 0.6));
    });
    return out;
  }
  if (item.type === "survey_0_4") return Math.round((2.6 + quality * 1.3 - rnd() * 0.4) * 100) / 100;
  if (item.type === "index_score") return Math.round(55 + quality * 35 - rnd() * 10);
  if (item.type === "range_scaled" && item.scale) {
    // A published value somewhere in the upper part of the row's range, better with quality.
    const { min, max } = item.scale;
    const share = Math.min(1, Math.max(0, 0.45 + quality * 0.45 - rnd() * 0.2));
    return Math.round((min + (max - min) * share) * 100) / 100;
  }
  if (item.type === "external_points") return Math.round(groupWeight * Math.min(1, 0.6 + quality * 0.4) * 100) / 100;
  // The koefisien is the national evaluator's to set; the demo team leaves it open.
  return null;
}

export function demoAnswers(instrument: Instrument, quality: number, seed: number, fraction = 1): Answers {
  const rnd = demoRandom(seed);
  const answers: Answers = {};
  const outline = outlineOf(instrument);
  for (const item of outline.items.values()) {
    if (rnd() > fraction) continue;
    const v = demoAnswer(item, quality, rnd, outline.groupWeight.get(item.id));
    if (v !== null) answers[item.id] = v;
  }
  return answers;
}

export interface DemoSpec {
  unitId: string;
  organisationId: string;
  periodId: string;
  year: number;
  status: AssessmentStatus;
  quality: number;
  fraction: number;
  /** The instrument (default zi-2021, the unit-level worksheet). */
  instrumentId?: string;
  /**
   * Values of the instrument's computed items (A101/A102 from the Rencana Aksi, issue #29) with their
   * notes; computed items not named here stay unanswered (a person never types them).
   */
  computed?: Record<string, { value: number; note: string }>;
}

/**
 * ZI assessments for the demo: finished ones (with snapshots) for earlier years, so trends and
 * carry-forward have data, and an open one being filled this period. Returns their ids in `specs` order.
 */
export async function seedDemoAssessments(db: Db, specs: DemoSpec[], actorId: string): Promise<string[]> {
  const frozenById = new Map<string, NonNullable<Awaited<ReturnType<typeof freezeInstrument>>>>();
  for (const instrumentId of new Set(specs.map((s) => s.instrumentId ?? "zi-2021"))) {
    const frozen = await freezeInstrument(db, instrumentId);
    if (frozen) frozenById.set(instrumentId, frozen);
  }
  const now = new Date().toISOString();
  const ids: string[] = [];
  for (const [i, spec] of specs.entries()) {
    const frozen = frozenById.get(spec.instrumentId ?? "zi-2021");
    if (!frozen) continue;
    const id = newId();
    ids.push(id);
    const assessment = {
      id,
      organisation_id: spec.organisationId,
      unit_id: spec.unitId,
      period_id: spec.periodId,
      instrument_id: frozen.instrument.id,
      instrument_hash: frozen.hash,
      status: spec.status,
      carried_from_id: null,
      created_by: actorId,
      created_at: now,
      updated_at: now,
      submitted_at: spec.status === "draft" ? null : now,
      finalised_at: spec.status === "final" ? now : null,
      finalised_by: spec.status === "final" ? actorId : null,
    };
    await db.insertInto("assessment").values(assessment).execute();
    const answers = demoAnswers(frozen.instrument, spec.quality, 1000 + i * 7919, spec.fraction);
    const notes: Record<string, string> = {};
    for (const [itemId, item] of outlineOf(frozen.instrument).items) {
      if (!item.computed_from) continue;
      delete answers[itemId];
      const c = spec.computed?.[itemId];
      if (c) {
        answers[itemId] = c.value;
        notes[itemId] = c.note;
      }
    }
    const rows = Object.entries(answers).map(([itemId, value]) => ({
      id: newId(),
      assessment_id: id,
      layer: "self" as const,
      item_id: itemId,
      value_json: JSON.stringify(value),
      note: notes[itemId] ?? null,
      version: 1,
      carried_over: 0,
      review_status: spec.status === "final" ? ("approved" as const) : ("pending" as const),
      review_note: null,
      updated_by: actorId,
      updated_at: now,
    }));
    for (let k = 0; k < rows.length; k += 50) await db.insertInto("answer").values(rows.slice(k, k + 50)).execute();
    if (spec.status === "final") await writeSnapshot(db, { assessment, instrument: frozen.instrument }, answers, actorId, now);
    // Sealed through the workflow's own code path, so `cermin verify` works on a fresh demo database.
    if (spec.status !== "draft") await sealAssessment(db, { id: actorId }, id, "submit", now);
    if (spec.status === "final") await sealAssessment(db, { id: actorId }, id, "finalise", now);
  }
  return ids;
}
