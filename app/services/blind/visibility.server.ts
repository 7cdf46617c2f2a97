/**
 * The blind rule for what raters add beside their answers (issue #27): while an area's round is open,
 * evidence links and comments that a named rater of that round adds to an item of the area are
 * "blind contributions": only their author sees them. Everybody else — the other raters, the
 * coordinator, reviewers, evaluators, exports — sees them only after the reveal; the coordinator sees
 * their count per rater on the blind page (roundProgress), never their content. What existed before the
 * round opened, and what non-raters add, keeps its usual visibility.
 *
 * No link to other services (evidence and workbench read this module): only the database and the outline.
 */
import type { Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import type { Instrument } from "~/domain/instrument/schema";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";

export interface OpenWindow {
  roundId: string;
  areaId: string;
  /** When the round opened: earlier contributions are not blind. */
  since: string;
  raters: Set<string>;
}

/** The open rounds of one assessment by area, and which area each item belongs to. */
export interface BlindScope {
  areaOfItem: Map<string, string>;
  byArea: Map<string, OpenWindow>;
}

/** One contribution to an item: an evidence link (evidence_item) or a comment. */
export interface Contribution {
  itemId: string;
  authorId: string | null;
  at: string;
}

/**
 * The open rounds of the assessment; null when there is none (the common case: one small query).
 * Pass the instrument when it is at hand; otherwise the assessment's frozen instrument is loaded.
 */
export async function blindScope(db: Db, assessmentId: string, instrument?: Instrument): Promise<BlindScope | null> {
  const rows = await db
    .selectFrom("blind_round")
    .innerJoin("blind_rater", "blind_rater.round_id", "blind_round.id")
    .select(["blind_round.id", "blind_round.area_id", "blind_round.created_at", "blind_rater.user_id"])
    .where("blind_round.assessment_id", "=", assessmentId)
    .where("blind_round.status", "=", "open")
    .execute();
  if (rows.length === 0) return null;
  const byArea = new Map<string, OpenWindow>();
  for (const r of rows) {
    const w = byArea.get(r.area_id) ?? { roundId: r.id, areaId: r.area_id, since: r.created_at, raters: new Set<string>() };
    w.raters.add(r.user_id);
    byArea.set(r.area_id, w);
  }
  let inst = instrument;
  if (!inst) {
    const a = await db.selectFrom("assessment").select("instrument_hash").where("id", "=", assessmentId).executeTakeFirstOrThrow();
    inst = await getFrozenInstrument(db, a.instrument_hash);
  }
  return { areaOfItem: outlineOf(inst).areaOfItem, byArea };
}

/** The open round that makes this contribution blind (its author is a rater of the item's open round, since it opened), or null. */
export function blindWindow(scope: BlindScope | null, c: Contribution): OpenWindow | null {
  if (!scope || !c.authorId) return null;
  const areaId = scope.areaOfItem.get(c.itemId);
  const w = areaId === undefined ? undefined : scope.byArea.get(areaId);
  if (!w || !w.raters.has(c.authorId) || c.at < w.since) return null;
  return w;
}

/** True when `viewerId` must not see the contribution: it is blind and somebody else's (null viewer: nobody in particular, e.g. an export). */
export function hiddenFrom(scope: BlindScope | null, viewerId: string | null, c: Contribution): boolean {
  return blindWindow(scope, c) !== null && c.authorId !== viewerId;
}

/**
 * The audit entries of blind contributions (comments and evidence changes by a rater of an open round,
 * since it opened, naming an item of its area) that `viewerId` must not see: every one but their own.
 * Item histories and the assessment's timeline leave them out until the reveal.
 */
export async function hiddenAuditIds(db: Db, assessmentId: string, scope: BlindScope | null, viewerId: string | null): Promise<Set<string>> {
  const hidden = new Set<string>();
  if (!scope) return hidden;
  const raters = [...new Set([...scope.byArea.values()].flatMap((w) => [...w.raters]))].filter((id) => id !== viewerId);
  if (raters.length === 0) return hidden;
  const since = [...scope.byArea.values()].map((w) => w.since).sort()[0]!;
  const rows = await db
    .selectFrom("audit_log")
    .select(["id", "at", "actor_user_id", "entity_id", "before_json", "after_json"])
    .where("actor_user_id", "in", raters)
    .where("at", ">=", since)
    .where((eb) =>
      eb.or([
        eb.and([eb("action", "like", "comment.%"), eb("entity_id", "like", `${assessmentId}:%`)]),
        eb.and([eb("action", "like", "evidence.%"), eb("entity_id", "in", eb.selectFrom("evidence").select("id").where("assessment_id", "=", assessmentId))]),
      ]),
    )
    .execute();
  for (const r of rows) {
    const targets = r.entity_id?.startsWith(`${assessmentId}:`) ? [r.entity_id.slice(assessmentId.length + 1)] : [...itemsNamed(r.before_json), ...itemsNamed(r.after_json)];
    if (targets.some((itemId) => blindWindow(scope, { itemId, authorId: r.actor_user_id, at: r.at }))) hidden.add(r.id);
  }
  return hidden;
}

function itemsNamed(json: string | null): string[] {
  if (!json) return [];
  const v = JSON.parse(json) as { itemIds?: unknown } | null;
  return v && Array.isArray(v.itemIds) ? v.itemIds.filter((x): x is string => typeof x === "string") : [];
}
