import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { outlineOf } from "~/domain/instrument/outline";
import { formatNumber } from "~/i18n";
import { writeAudit } from "~/services/admin/audit.server";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";
import { insertAnswer } from "~/services/workbench/answer-row.server";
import { itemKey } from "~/services/workbench/answers.server";
import { computePlan, type PlanScores } from "./compute.server";

/*
 * A101 and A102 of the RB assessment come from the Rencana Aksi (spec rb-2024 §2.5, §2.6): after every
 * change of the plan or its grades, the organisation's RB assessments of the plan's year whose
 * instrument has `computed_from` items get those items' self answers written here (never typed by a
 * person: the workbench refuses them). Each write is audited with the plan's version and the trace.
 * A final assessment is not changed: its sealed score stands, and the plan page says it is out of date.
 */

export interface RescoreOutcome {
  assessmentId: string;
  status: string;
  changed: string[];
  skipped?: "final";
}

const fmt = (n: number) => formatNumber(n, "id");
const fmt2 = (n: number) => formatNumber(n, "id", 2);

/** The note stored with a computed answer: how the value came about, in the default language. */
export function computedNote(kind: "renaksi_strategi" | "renaksi_implementasi", year: number, s: PlanScores): string {
  if (kind === "renaksi_strategi") {
    return s.strategi === null
      ? `Dihitung dari Rencana Aksi ${year}: LKE Renaksi belum dinilai.`
      : `Dihitung dari Rencana Aksi ${year}: Penilaian KU ${fmt2(s.strategi.penilaianKU)} + Penetapan RA ${fmt2(s.strategi.penetapanRA)} = ${fmt2(s.strategi.value)}.`;
  }
  return s.implementation.score === null
    ? `Dihitung dari Rencana Aksi ${year}: belum dapat dihitung (${s.implementation.reason === "no_outputs_with_target" ? "belum ada output dengan target triwulan" : "belum ada realisasi output"}).`
    : `Dihitung dari Rencana Aksi ${year} (mode ${s.implementation.mode === "portal" ? "portal" : "ketat"}): ${implementationTraceId(s.implementation)}.`;
}

/** "(100 + 100 + 50 + 0) / 4 = 62,5 → dibulatkan 63" in Indonesian, from the structured trace. */
export function implementationTraceId(impl: PlanScores["implementation"]): string {
  const t = impl.trace;
  const terms = t.outputs.map((o) => fmt(o.total ?? 0)).join(" + ");
  let out = `(${terms}) / ${t.denominator} = ${fmt(t.mean ?? 0)}`;
  if (impl.mode === "portal" && t.rounded !== null) out += ` → dibulatkan ${fmt(t.rounded)}`;
  if (t.capped) out += " → dibatasi 100";
  return out;
}

export async function rescorePlan(db: Db, actor: Actor, planId: string): Promise<RescoreOutcome[]> {
  const plan = await db.selectFrom("renaksi_plan").selectAll().where("id", "=", planId).executeTakeFirstOrThrow();
  const assessments = await db
    .selectFrom("assessment as a")
    .innerJoin("period as p", "p.id", "a.period_id")
    .select(["a.id", "a.status", "a.instrument_hash"])
    .where("a.organisation_id", "=", plan.organisation_id)
    .where("p.year", "=", plan.year)
    .where("a.instrument_id", "like", "rb-%")
    .execute();
  if (assessments.length === 0) return [];
  const scores = await computePlan(db, plan);
  const out: RescoreOutcome[] = [];
  for (const a of assessments) {
    const instrument = await getFrozenInstrument(db, a.instrument_hash);
    const computed: { itemId: string; kind: "renaksi_strategi" | "renaksi_implementasi" }[] = [];
    for (const [itemId, item] of outlineOf(instrument).items) if (item.computed_from) computed.push({ itemId, kind: item.computed_from });
    if (computed.length === 0) continue;
    if (a.status === "final") {
      out.push({ assessmentId: a.id, status: a.status, changed: [], skipped: "final" });
      continue;
    }
    const changed: string[] = [];
    const now = new Date().toISOString();
    for (const { itemId, kind } of computed) {
      const value = kind === "renaksi_strategi" ? (scores.strategi?.value ?? null) : scores.implementation.score;
      const valueJson = value === null ? null : JSON.stringify(value);
      const note = computedNote(kind, plan.year, scores);
      const current = await db
        .selectFrom("answer")
        .selectAll()
        .where("assessment_id", "=", a.id)
        .where("layer", "=", "self")
        .where("item_id", "=", itemId)
        .executeTakeFirst();
      if (!current && value === null) continue;
      if (current && current.value_json === valueJson && current.note === note) continue;
      const version = (current?.version ?? 0) + 1;
      if (current) {
        await db
          .updateTable("answer")
          .set({ value_json: valueJson, note, version, carried_over: 0, updated_by: actor.id, updated_at: now })
          .where("id", "=", current.id)
          .execute();
      } else {
        await insertAnswer(db, { assessmentId: a.id, layer: "self", itemId, valueJson, note, version, actorId: actor.id, now });
      }
      await writeAudit(db, {
        actorUserId: actor.id,
        organisationId: plan.organisation_id,
        action: "answer.compute",
        entityType: "answer",
        entityId: itemKey(a.id, itemId),
        before: current ? { value: current.value_json === null ? null : JSON.parse(current.value_json), note: current.note, version: current.version } : undefined,
        after: { value, note, version, source: { renaksiPlan: plan.id, planVersion: plan.version } },
      });
      changed.push(itemId);
    }
    if (changed.length > 0) await db.updateTable("assessment").set({ updated_at: now }).where("id", "=", a.id).execute();
    out.push({ assessmentId: a.id, status: a.status, changed });
  }
  return out;
}
