/*
 * Reading the audit log (issue #27): filtered by who, what, when (WIB days) and assessment, paged
 * through everything newest first (keyset on time and id, so a page is as fast at row 1 as at row
 * 100,000), each entry with the object it names (an assessment, an item of one, a user) and a link.
 * Only organisations whose log the reader may read (audit.read at organisation level; admins: all).
 */
import type { Db } from "#db/client.server";
import { scopesFor, type Actor } from "~/auth/permissions";
import { forbidden } from "~/auth/require.server";

export interface AuditFilter {
  actorId?: string | null;
  action?: string | null;
  /** Days in WIB, YYYY-MM-DD, inclusive. */
  from?: string | null;
  to?: string | null;
  assessmentId?: string | null;
  /** The page after this entry ("<at>|<id>" of the last entry shown). */
  after?: string | null;
}

export interface AuditEntryView {
  id: string;
  at: string;
  actorName: string | null;
  action: string;
  reason: string | null;
  entity: { kind: "assessment" | "item" | "user" | "other"; type: string; name: string; item: string | null; href: string | null };
}

export interface AuditPage {
  entries: AuditEntryView[];
  /** The cursor of the next (older) page, or null at the end. */
  next: string | null;
  actors: Array<{ id: string; name: string }>;
}

const WIB_OFFSET_MS = 7 * 3600 * 1000;

/** The UTC instant a WIB day starts: "2026-12-07" → 2026-12-06T17:00:00.000Z. */
export function wibDayStart(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - WIB_OFFSET_MS).toISOString();
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);

/** The organisations whose log the actor may read, or "all" for a system administrator. @throws 403 when none. */
function readableOrganisations(actor: Actor): string[] | "all" {
  if (actor.isAdmin) return "all";
  const ids = [
    ...new Set(
      scopesFor(actor, "audit.read")
        .filter((m) => m.unitPath === null)
        .map((m) => m.organisationId),
    ),
  ];
  if (ids.length === 0) throw forbidden();
  return ids;
}

/** The assessment an entity id belongs to: the assessment itself, `<assessment>:<item>` (answers) or `eval:<assessment>:<item>`. */
function assessmentOf(type: string, entityId: string | null): { assessmentId: string; item: string | null } | null {
  if (!entityId) return null;
  if (type === "assessment") return { assessmentId: entityId, item: null };
  const parts = entityId.split(":");
  if (type === "answer" && parts.length >= 2) return { assessmentId: parts[0]!, item: parts.slice(1).join(":") };
  if (type === "evaluation" && parts[0] === "eval" && parts.length >= 3) return { assessmentId: parts[1]!, item: parts.slice(2).join(":") };
  return null;
}

export async function listAuditLog(db: Db, actor: Actor, filter: AuditFilter, pageSize = 50): Promise<AuditPage> {
  const orgs = readableOrganisations(actor);
  let q = db
    .selectFrom("audit_log")
    .leftJoin("user", "user.id", "audit_log.actor_user_id")
    .select([
      "audit_log.id",
      "audit_log.at",
      "audit_log.action",
      "audit_log.entity_type",
      "audit_log.entity_id",
      "audit_log.reason",
      "user.name as actorName",
    ]);
  if (orgs !== "all") q = q.where("audit_log.organisation_id", "in", orgs);
  if (filter.actorId) q = q.where("audit_log.actor_user_id", "=", filter.actorId);
  if (filter.action) q = q.where("audit_log.action", "=", filter.action);
  if (filter.from) q = q.where("audit_log.at", ">=", wibDayStart(filter.from));
  if (filter.to) q = q.where("audit_log.at", "<", wibDayStart(nextDay(filter.to)));
  if (filter.assessmentId) {
    const a = filter.assessmentId;
    q = q.where((eb) =>
      eb.or([
        eb("audit_log.entity_id", "=", a),
        eb("audit_log.entity_id", "like", `${a}:%`),
        eb("audit_log.entity_id", "like", `eval:${a}:%`),
      ]),
    );
  }
  if (filter.after) {
    const [at, id] = filter.after.split("|");
    if (at && id)
      q = q.where((eb) => eb.or([eb("audit_log.at", "<", at), eb.and([eb("audit_log.at", "=", at), eb("audit_log.id", "<", id)])]));
  }
  const rows = await q
    .orderBy("audit_log.at", "desc")
    .orderBy("audit_log.id", "desc")
    .limit(pageSize + 1)
    .execute();
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  const next = rows.length > pageSize && last ? `${last.at}|${last.id}` : null;

  // Names of the objects on this page, in two queries.
  const assessmentIds = [
    ...new Set(page.map((r) => assessmentOf(r.entity_type, r.entity_id)?.assessmentId).filter((x): x is string => !!x)),
  ];
  const assessments = assessmentIds.length
    ? await db
        .selectFrom("assessment")
        .innerJoin("unit", "unit.id", "assessment.unit_id")
        .innerJoin("period", "period.id", "assessment.period_id")
        .select(["assessment.id", "unit.name as unitName", "period.year"])
        .where("assessment.id", "in", assessmentIds)
        .execute()
    : [];
  const assessmentName = new Map(assessments.map((a) => [a.id, `${a.unitName} · ${a.year}`]));
  const userIds = [...new Set(page.filter((r) => r.entity_type === "user" && r.entity_id).map((r) => r.entity_id!))];
  const users = userIds.length ? await db.selectFrom("user").select(["id", "name"]).where("id", "in", userIds).execute() : [];
  const userName = new Map(users.map((u) => [u.id, u.name]));

  const entries = page.map<AuditEntryView>((r) => {
    const of = assessmentOf(r.entity_type, r.entity_id);
    let entity: AuditEntryView["entity"];
    if (of && assessmentName.has(of.assessmentId)) {
      const name = assessmentName.get(of.assessmentId)!;
      const href = r.entity_type === "evaluation" ? `/evaluations/assessments/${of.assessmentId}` : `/assessments/${of.assessmentId}`;
      entity = { kind: of.item ? "item" : "assessment", type: r.entity_type, name, item: of.item, href };
    } else if (r.entity_type === "user" && r.entity_id && userName.has(r.entity_id)) {
      entity = {
        kind: "user",
        type: r.entity_type,
        name: userName.get(r.entity_id)!,
        item: null,
        href: actor.isAdmin ? `/admin/users/${r.entity_id}` : null,
      };
    } else entity = { kind: "other", type: r.entity_type, name: "", item: null, href: null };
    return { id: r.id, at: r.at, actorName: r.actorName, action: r.action, reason: r.reason, entity };
  });

  // The filter offers the organisations' members (every user for an administrator): a list that does
  // not scan the log, which grows without end.
  let actorsQ = db.selectFrom("user").select(["user.id", "user.name"]);
  if (orgs !== "all")
    actorsQ = actorsQ.where((eb) =>
      eb.exists(
        eb
          .selectFrom("membership")
          .select("membership.id")
          .whereRef("membership.user_id", "=", "user.id")
          .where("membership.organisation_id", "in", orgs),
      ),
    );
  const actors = await actorsQ.orderBy("user.name").execute();
  return { entries, next, actors };
}
