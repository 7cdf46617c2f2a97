import type { Db } from "#db/client.server";
import { prepared } from "#db/prepared";
import { newId } from "~/utils/ids";

export interface AuditEntry {
  actorUserId: string | null;
  organisationId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  ip?: string | null;
}

/** Append-only: nothing in the code updates or deletes audit rows. */
export async function writeAudit(db: Db, entry: AuditEntry, now: Date = new Date()): Promise<void> {
  await insertAudit(
    db,
    newId(),
    now.toISOString(),
    entry.actorUserId,
    entry.organisationId,
    entry.action,
    entry.entityType,
    entry.entityId,
    entry.before === undefined ? null : JSON.stringify(entry.before),
    entry.after === undefined ? null : JSON.stringify(entry.after),
    entry.reason ?? null,
    entry.ip ?? null,
  );
}

// Every answer save writes one: built once (see db/prepared.ts).
const insertAudit = prepared(
  (
    db: Db,
    id: string,
    at: string,
    actorUserId: string | null,
    organisationId: string | null,
    action: string,
    entityType: string,
    entityId: string | null,
    beforeJson: string | null,
    afterJson: string | null,
    reason: string | null,
    ip: string | null,
  ) =>
    db.insertInto("audit_log").values({
      id,
      at,
      actor_user_id: actorUserId,
      organisation_id: organisationId,
      action,
      entity_type: entityType,
      entity_id: entityId,
      before_json: beforeJson,
      after_json: afterJson,
      reason,
      ip,
    }),
);
