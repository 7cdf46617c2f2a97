/**
 * notify(db, event): the one place that turns a workbench or evaluation event into notifications. It
 * decides the recipients from the database (assignments, memberships covering the unit), writes one
 * inbox row per recipient and, for users who want mail at once and when SMTP is configured, one outbox
 * row in their language. Pass the caller's transaction as `db`: the notification commits or rolls back
 * with the change it reports. Every row carries a dedupe key, so reporting an event twice adds nothing.
 */
import crypto from "node:crypto";
import type { Db } from "#db/client.server";
import type { EmailMode, Layer, MembershipRole, Unit } from "#db/schema";
import { outlineOf } from "~/domain/instrument/outline";
import { translator } from "~/i18n";
import { newId } from "~/utils/ids";
import type { AssessmentContext } from "~/services/workbench/assessments.server";
import { itemHref } from "~/services/workbench/links";
import { absoluteUrl, mailEnabled, notificationConfig, type NotificationConfig } from "./config.server";
import { localeOf, renderNotification, type NotificationKind, type NotificationParams } from "./messages";
import { composeMail, enqueueMail, SET_PASSWORD_MAIL } from "./outbox.server";

export type NotificationEvent =
  | { kind: "assigned"; ctx: AssessmentContext; actorId: string; userId: string; nodeId: string }
  | { kind: "item_returned"; ctx: AssessmentContext; actorId: string; itemId: string; note: string | null }
  /** An evaluator sent an item back; only reported once the layer is released to the unit. */
  | {
      kind: "evaluator_returned";
      ctx: AssessmentContext;
      actorId: string | null;
      itemId: string;
      note: string | null;
      layer: Exclude<Layer, "self">;
      findingId: string;
    }
  | { kind: "submitted"; ctx: AssessmentContext; actorId: string }
  | { kind: "finalised"; ctx: AssessmentContext; actorId: string }
  | { kind: "results_released"; ctx: AssessmentContext; actorId: string; layer: Exclude<Layer, "self"> }
  /** A blind round was revealed: its raters can see each other's answers and agree in the consensus view. */
  | { kind: "consensus_revealed"; ctx: AssessmentContext; actorId: string; areaId: string; raterIds: string[] };

export interface Recipient {
  id: string;
  email: string;
  name: string;
  locale: string | null;
  emailMode: EmailMode;
}

/** One notification for a set of recipients, as stored. */
export interface Delivery {
  kind: NotificationKind;
  assessmentId: string | null;
  itemId: string | null;
  params: NotificationParams;
  link: string;
  /** Identifies the event; the recipient's id is appended per row. */
  dedupeKey: string;
}

/** Reports an event: inbox rows for its recipients (never the actor), mail for those who want it now. */
export async function notify(db: Db, event: NotificationEvent, config: NotificationConfig = notificationConfig()): Promise<number> {
  const recipients = await recipientsOf(db, event);
  return deliver(db, recipients, await describe(db, event), config);
}

/** Writes the inbox rows and instant mail of one delivery; returns how many inbox rows were new. */
export async function deliver(
  db: Db,
  recipients: Recipient[],
  d: Delivery,
  config: NotificationConfig = notificationConfig(),
  now = new Date(),
): Promise<number> {
  let created = 0;
  const at = now.toISOString();
  const mail = mailEnabled(config);
  for (const r of recipients) {
    const id = newId();
    const dedupeKey = `${d.dedupeKey}:${r.id}`;
    const wantsMailNow = mail && r.emailMode === "instant";
    const inserted = await db
      .insertInto("notification")
      .values({
        id,
        user_id: r.id,
        kind: d.kind,
        assessment_id: d.assessmentId,
        item_id: d.itemId,
        params_json: JSON.stringify(d.params),
        link: d.link,
        dedupe_key: dedupeKey,
        created_at: at,
        read_at: null,
        mailed_at: wantsMailNow ? at : null,
      })
      .onConflict((oc) => oc.column("dedupe_key").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) continue;
    created++;
    if (!wantsMailNow) continue;
    const locale = localeOf(r.locale);
    const message = renderNotification(locale, d.kind, d.params);
    const composed = composeMail(config, locale, shorten(message), [{ message, link: d.link }]);
    await enqueueMail(db, { dedupeKey: `mail:${dedupeKey}`, to: r.email, ...composed, userId: r.id, notificationId: id, now });
  }
  return created;
}

const shorten = (s: string, max = 110) => (s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`);

/** The path of an item on its area page (`itemHref`, the builder every list of findings uses). */
export function itemLink(ctx: Pick<AssessmentContext, "assessment" | "instrument">, itemId: string): string {
  return itemHref(ctx.assessment.id, outlineOf(ctx.instrument).areaOfItem.get(itemId), itemId);
}

export function assessmentLink(assessmentId: string): string {
  return `/assessments/${assessmentId}`;
}

function baseParams(ctx: AssessmentContext): NotificationParams {
  return { unit: ctx.unit.name, period: ctx.period.name };
}

async function nameOf(db: Db, userId: string | null): Promise<string> {
  if (!userId) return "–";
  const row = await db.selectFrom("user").select("name").where("id", "=", userId).executeTakeFirst();
  return row?.name ?? "–";
}

function nodeLabel(ctx: AssessmentContext, nodeId: string): string {
  for (const area of outlineOf(ctx.instrument).areas) {
    if (area.id === nodeId) return `${area.id} ${area.label}`;
    const group = area.groups.find((g) => g.id === nodeId);
    if (group) return `${group.id} ${group.label}`;
  }
  return nodeId;
}

async function describe(db: Db, e: NotificationEvent): Promise<Delivery> {
  const a = e.ctx.assessment.id;
  const now = new Date().toISOString();
  const by = await nameOf(db, e.actorId);
  switch (e.kind) {
    case "assigned": {
      const area = outlineOf(e.ctx.instrument).areas.find((x) => x.id === e.nodeId || x.groups.some((g) => g.id === e.nodeId));
      return {
        kind: "assigned",
        assessmentId: a,
        itemId: null,
        params: { ...baseParams(e.ctx), area: nodeLabel(e.ctx, e.nodeId), by },
        link: area ? `/assessments/${a}/areas/${encodeURIComponent(area.id)}` : assessmentLink(a),
        dedupeKey: `assigned:${a}:${e.nodeId}:${e.userId}:${now}`,
      };
    }
    case "item_returned":
      return {
        kind: "item_returned",
        assessmentId: a,
        itemId: e.itemId,
        params: { ...baseParams(e.ctx), item: e.itemId, by, note: e.note?.trim() || undefined },
        link: itemLink(e.ctx, e.itemId),
        dedupeKey: `returned:self:${a}:${e.itemId}:${now}`,
      };
    case "evaluator_returned":
      return {
        kind: "evaluator_returned",
        assessmentId: a,
        itemId: e.itemId,
        params: { ...baseParams(e.ctx), item: e.itemId, layer: e.layer, note: e.note?.trim() || undefined },
        link: itemLink(e.ctx, e.itemId),
        dedupeKey: `returned:${e.layer}:${e.findingId}`,
      };
    case "submitted":
      return {
        kind: "submitted",
        assessmentId: a,
        itemId: null,
        params: { ...baseParams(e.ctx), by },
        link: assessmentLink(a),
        dedupeKey: `submitted:${a}:${now}`,
      };
    case "finalised":
      return {
        kind: "finalised",
        assessmentId: a,
        itemId: null,
        params: { ...baseParams(e.ctx), by },
        link: assessmentLink(a),
        dedupeKey: `finalised:${a}:${now}`,
      };
    case "results_released":
      return {
        kind: "results_released",
        assessmentId: a,
        itemId: null,
        params: { ...baseParams(e.ctx), layer: e.layer, by },
        link: assessmentLink(a),
        dedupeKey: `released:${a}:${e.layer}:${now}`,
      };
    case "consensus_revealed":
      return {
        kind: "consensus_revealed",
        assessmentId: a,
        itemId: null,
        params: { ...baseParams(e.ctx), area: nodeLabel(e.ctx, e.areaId), by },
        link: `/assessments/${a}/consensus/${encodeURIComponent(e.areaId)}`,
        dedupeKey: `revealed:${a}:${e.areaId}:${now}`,
      };
  }
}

async function recipientsOf(db: Db, e: NotificationEvent): Promise<Recipient[]> {
  let users: Recipient[];
  switch (e.kind) {
    case "assigned":
      users = await usersByIds(db, [e.userId]);
      break;
    case "item_returned":
      users = await itemOwners(db, e.ctx, e.itemId);
      break;
    case "evaluator_returned":
      users = merge(await itemOwners(db, e.ctx, e.itemId), await membersCovering(db, e.ctx.unit, ["coordinator"]));
      break;
    case "submitted":
      users = await membersCovering(db, e.ctx.unit, ["coordinator"]);
      break;
    case "finalised":
    case "results_released":
      users = merge(await teamOf(db, e.ctx), await membersCovering(db, e.ctx.unit, ["coordinator"]));
      break;
    case "consensus_revealed":
      users = await usersByIds(db, e.raterIds);
      break;
  }
  return users.filter((u) => u.id !== e.actorId);
}

function merge(...lists: Recipient[][]): Recipient[] {
  const byId = new Map<string, Recipient>();
  for (const list of lists) for (const u of list) byId.set(u.id, u);
  return [...byId.values()];
}

const recipientColumns = ["user.id", "user.email", "user.name", "user.locale", "notification_pref.email_mode"] as const;

type RecipientRow = { id: string; email: string; name: string; locale: string | null; email_mode: EmailMode | null };
const toRecipient = (r: RecipientRow): Recipient => ({
  id: r.id,
  email: r.email,
  name: r.name,
  locale: r.locale,
  emailMode: r.email_mode ?? "instant",
});

export async function usersByIds(db: Db, ids: string[]): Promise<Recipient[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("user")
    .leftJoin("notification_pref", "notification_pref.user_id", "user.id")
    .select(recipientColumns)
    .where("user.id", "in", ids)
    .where("user.disabled_at", "is", null)
    .execute();
  return rows.map(toRecipient);
}

/** Active users holding one of `roles` through a membership whose scope covers the unit. */
export async function membersCovering(db: Db, unit: Pick<Unit, "organisation_id" | "path">, roles: MembershipRole[]): Promise<Recipient[]> {
  const rows = await db
    .selectFrom("membership")
    .innerJoin("user", "user.id", "membership.user_id")
    .leftJoin("unit", "unit.id", "membership.unit_id")
    .leftJoin("notification_pref", "notification_pref.user_id", "user.id")
    .select([...recipientColumns, "unit.path"])
    .where("membership.organisation_id", "=", unit.organisation_id)
    .where("membership.role", "in", roles)
    .where("user.disabled_at", "is", null)
    .execute();
  return merge(rows.filter((r) => !r.path || unit.path.startsWith(r.path)).map(toRecipient));
}

/** Who answers an item: the users assigned to its area or sub-area, else every assessor covering the unit. */
export async function itemOwners(db: Db, ctx: AssessmentContext, itemId: string): Promise<Recipient[]> {
  const outline = outlineOf(ctx.instrument);
  const areaId = outline.areaOfItem.get(itemId);
  const area = outline.areas.find((a) => a.id === areaId);
  const group = area?.groups.find((g) => g.items.some((i) => i.id === itemId));
  const nodes = [areaId, group?.id].filter((x): x is string => !!x);
  if (nodes.length > 0) {
    const assigned = await db
      .selectFrom("assignment")
      .select("user_id")
      .where("assessment_id", "=", ctx.assessment.id)
      .where("node_id", "in", nodes)
      .execute();
    if (assigned.length > 0) return usersByIds(db, [...new Set(assigned.map((r) => r.user_id))]);
  }
  return membersCovering(db, ctx.unit, ["assessor"]);
}

/** The assessment's team: everyone assigned to a part of it, or every assessor covering the unit when nobody is. */
async function teamOf(db: Db, ctx: AssessmentContext): Promise<Recipient[]> {
  const assigned = await db.selectFrom("assignment").select("user_id").distinct().where("assessment_id", "=", ctx.assessment.id).execute();
  if (assigned.length > 0)
    return usersByIds(
      db,
      assigned.map((r) => r.user_id),
    );
  return membersCovering(db, ctx.unit, ["assessor"]);
}

/**
 * Sends a one-time set-password link by mail (not an inbox entry: the user cannot log in yet); false when
 * SMTP is not configured, and the caller shows the link instead.
 */
export async function mailPasswordLink(
  db: Db,
  userId: string,
  token: string,
  config: NotificationConfig = notificationConfig(),
): Promise<boolean> {
  if (!mailEnabled(config)) return false;
  const user = await db.selectFrom("user").select(["id", "email", "name", "locale"]).where("id", "=", userId).executeTakeFirst();
  if (!user) return false;
  const locale = localeOf(user.locale);
  const t = translator(locale);
  const link = absoluteUrl(config, `/set-password/${token}`);
  return enqueueMail(db, {
    // The token's hash, like password_token.id: the key does not reveal the token.
    dedupeKey: `${SET_PASSWORD_MAIL}:${crypto.createHash("sha256").update(token).digest("hex")}`,
    to: user.email,
    subject: `${t("notify.mail.subjectPrefix")} ${t("notify.mail.setPasswordSubject")}`,
    text: t("notify.mail.setPasswordText", { name: user.name, email: user.email, link }),
    html: null,
    userId: user.id,
  });
}

/**
 * At release, the layer's send-backs reach the unit: one notification per send-back finding (deduplicated
 * by finding, so releasing again after a withdrawal repeats none).
 */
export async function notifyReleasedSendBacks(
  db: Db,
  ctx: AssessmentContext,
  layer: Exclude<Layer, "self">,
  config: NotificationConfig = notificationConfig(),
): Promise<number> {
  const findings = await db
    .selectFrom("finding")
    .select(["id", "item_id", "recommendation", "created_by"])
    .where("assessment_id", "=", ctx.assessment.id)
    .where("layer", "=", layer)
    .where("kind", "=", "send_back")
    .orderBy("created_at")
    .execute();
  let created = 0;
  for (const f of findings) {
    created += await notify(
      db,
      { kind: "evaluator_returned", ctx, actorId: f.created_by, itemId: f.item_id, note: f.recommendation, layer, findingId: f.id },
      config,
    );
  }
  return created;
}
