import type { Db } from "#db/client.server";
import type { AppealStatus } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import type { EvaluatorLayer } from "~/services/evaluation/layer-rows.server";
import { canOnUnit } from "~/services/workbench/assessments.server";
import { loadAppeals, type AppealView } from "./appeals.server";

/*
 * The evaluator's queue (issue #30; spec rb-2024 §4.1 "jumlah_sanggahan" per indicator): the appeals of
 * every layer the actor may write, on every unit in their scope, with counts per row (item) and filters.
 */

export interface QueueFilter {
  status?: AppealStatus | "all";
  layer?: EvaluatorLayer;
  year?: number;
  organisationId?: string;
  itemId?: string;
}

export interface QueueRow extends AppealView {
  unitName: string;
  organisationName: string;
  year: number;
  instrumentId: string;
}

export interface AppealQueue {
  appeals: QueueRow[];
  /** Per row (item) of the filtered appeals, before the item filter: how many are open, accepted, rejected. */
  counts: { itemId: string; diajukan: number; diterima: number; ditolak: number }[];
  /** Filter options the actor's appeals offer. */
  years: number[];
  organisations: { id: string; name: string }[];
  totals: Record<AppealStatus, number>;
}

export async function appealQueue(db: Db, actor: Actor, filter: QueueFilter = {}): Promise<AppealQueue> {
  let q = db
    .selectFrom("appeal as a")
    .innerJoin("assessment as s", "s.id", "a.assessment_id")
    .innerJoin("unit as u", "u.id", "s.unit_id")
    .innerJoin("period as p", "p.id", "s.period_id")
    .innerJoin("organisation as o", "o.id", "s.organisation_id")
    .select([
      "a.id",
      "a.layer",
      "a.status",
      "a.item_id",
      "u.organisation_id",
      "u.path",
      "u.name as unit_name",
      "o.name as org_name",
      "p.year",
      "s.instrument_id",
    ]);
  if (!actor.isAdmin) {
    const orgs = [...new Set(actor.memberships.map((m) => m.organisationId))];
    if (orgs.length === 0)
      return { appeals: [], counts: [], years: [], organisations: [], totals: { diajukan: 0, diterima: 0, ditolak: 0 } };
    q = q.where("s.organisation_id", "in", orgs);
  }
  // The layer's writers only (canWriteLayer's rule: internal → evaluation.internal, external → evaluation.external).
  const all = (await q.execute()).filter((r) =>
    canOnUnit(actor, r.layer === "internal" ? "evaluation.internal" : "evaluation.external", {
      organisation_id: r.organisation_id,
      path: r.path,
    }),
  );
  const years = [...new Set(all.map((r) => Number(r.year)))].sort((a, b) => b - a);
  const organisations = [...new Map(all.map((r) => [r.organisation_id, { id: r.organisation_id, name: r.org_name }])).values()].sort(
    (a, b) => a.name.localeCompare(b.name),
  );
  const status = filter.status ?? "diajukan";
  const scoped = all.filter(
    (r) =>
      (!filter.layer || r.layer === filter.layer) &&
      (!filter.year || Number(r.year) === filter.year) &&
      (!filter.organisationId || r.organisation_id === filter.organisationId),
  );
  const totals: Record<AppealStatus, number> = { diajukan: 0, diterima: 0, ditolak: 0 };
  const counts = new Map<string, { itemId: string; diajukan: number; diterima: number; ditolak: number }>();
  for (const r of scoped) {
    totals[r.status]++;
    const c = counts.get(r.item_id) ?? { itemId: r.item_id, diajukan: 0, diterima: 0, ditolak: 0 };
    c[r.status]++;
    counts.set(r.item_id, c);
  }
  const shown = scoped.filter((r) => (status === "all" || r.status === status) && (!filter.itemId || r.item_id === filter.itemId));
  const meta = new Map(shown.map((r) => [r.id, r]));
  const views = await loadAppeals(db, { ids: shown.map((r) => r.id) });
  const appeals = views
    .map((v) => {
      const m = meta.get(v.id)!;
      return { ...v, unitName: m.unit_name, organisationName: m.org_name, year: Number(m.year), instrumentId: m.instrument_id };
    })
    // Open appeals oldest first (the first to answer); decided ones newest first.
    .sort((a, b) => (a.status === "diajukan" && b.status === "diajukan" ? a.filedAt.localeCompare(b.filedAt) : 0));
  return {
    appeals,
    counts: [...counts.values()].sort((a, b) => b.diajukan - a.diajukan || a.itemId.localeCompare(b.itemId, undefined, { numeric: true })),
    years,
    organisations,
    totals,
  };
}

/** How many appeals wait for the actor's decision (the /evaluations link). */
export async function openAppealCount(db: Db, actor: Actor): Promise<number> {
  return (await appealQueue(db, actor, { status: "diajukan" })).totals.diajukan;
}
