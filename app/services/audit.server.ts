import type { Db } from "#db/client.server";
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
  await db
    .insertInto("audit_log")
    .values({
      id: newId(),
      at: now.toISOString(),
      actor_user_id: entry.actorUserId,
      organisation_id: entry.organisationId,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      before_json: entry.before === undefined ? null : JSON.stringify(entry.before),
      after_json: entry.after === undefined ? null : JSON.stringify(entry.after),
      reason: entry.reason ?? null,
      ip: entry.ip ?? null,
    })
    .execute();
}
