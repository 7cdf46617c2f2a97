/**
 * The demo's penilaian bersama (issue #14): one finished blind round with its consensus on the Jakarta
 * 2025 draft, run through the same services the pages use (start, individual saves, finish, reveal,
 * consensus), so the consensus view, the agreement figure and the evaluator's view have data.
 */
import type { Transaction } from "kysely";
import type { Database } from "#db/schema";
import { loadActor } from "~/auth/require.server";
import { outlineOf } from "~/domain/instrument/outline";
import { loadAnswers } from "~/services/workbench/answers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { recordConsensus } from "~/services/blind/results.server";
import { finishRating, revealRound, saveIndividualAnswer, startRounds } from "~/services/blind/rounds.server";
import { demoAnswer, demoRandom } from "./demo-assessments.server";
import { nestable } from "./demo-evaluation.server";

// An area no other end-to-end test edits on the Jakarta draft.
export const DEMO_BLIND_AREA = "A.I.5";

async function actorByEmail(db: ReturnType<typeof nestable>, email: string) {
  const user = await db.selectFrom("user").selectAll().where("email", "=", email).executeTakeFirstOrThrow();
  return loadActor(db, user);
}

export async function seedDemoBlindRound(trx: Transaction<Database>, opts: { assessmentId: string; coordinatorEmail: string; assessorEmail: string }): Promise<void> {
  const db = nestable(trx);
  const coordinator = await actorByEmail(db, opts.coordinatorEmail);
  const assessor = await actorByEmail(db, opts.assessorEmail);
  const ctx = await requireAssessment(db, coordinator, opts.assessmentId);
  const area = outlineOf(ctx.instrument).areas.find((a) => a.id === DEMO_BLIND_AREA);
  if (!area) return;
  await startRounds(db, coordinator, ctx, { areaIds: [area.id], raterIds: [coordinator.id, assessor.id] });
  const items = area.groups.flatMap((g) => g.items.map((item) => ({ item, groupWeight: g.weight })));
  const raters = [
    { actor: assessor, quality: 0.75, rnd: demoRandom(2025), note: "Dinilai dari SK dan notulen rapat tim." },
    { actor: coordinator, quality: 0.55, rnd: demoRandom(4049), note: "Bukti pelaksanaan belum lengkap di semua bidang." },
  ];
  const chosen = new Map<string, unknown>();
  for (const r of raters) {
    for (const [k, { item, groupWeight }] of items.entries()) {
      const value = demoAnswer(item, r.quality, r.rnd, groupWeight) ?? item.options?.[0]?.code ?? null;
      if (value === null) continue;
      if (r.actor === assessor) chosen.set(item.id, value);
      await saveIndividualAnswer(db, r.actor, ctx, { itemId: item.id, baseVersion: 0, value, note: k % 3 === 0 ? r.note : null });
    }
    await finishRating(db, r.actor, ctx, area.id);
  }
  await revealRound(db, coordinator, ctx, area.id, null);
  // The team settles on the assessor's answers (with two raters, either answer is a majority answer).
  const self = new Map((await loadAnswers(db, ctx.assessment.id)).map((a) => [a.item_id, a.version]));
  for (const { item } of items) {
    const value = chosen.get(item.id);
    if (value === undefined) continue;
    await recordConsensus(db, coordinator, ctx, area.id, {
      itemId: item.id,
      baseVersion: self.get(item.id) ?? 0,
      value: value as string,
      note: "Konsensus tim penilai.",
      reason: null,
    });
  }
}
