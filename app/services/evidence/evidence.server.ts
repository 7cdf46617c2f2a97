import type { Readable } from "node:stream";
import type { Db } from "#db/client.server";
import type { Evidence, EvidenceTable } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import { outlineOf } from "~/domain/instrument/outline";
import { newId } from "~/utils/ids";
import { assertItemEditable, WorkbenchError } from "~/services/workbench/answers.server";
import { canOnUnit, requireAssessment, type AssessmentContext } from "~/services/workbench/assessments.server";
import { writeAudit } from "~/services/admin/audit.server";
import { EvidenceError, linkName, parseEvidenceDate, parseEvidenceUrl, type EvidenceView } from "./rules";
import { loadViews, MAX_FILES_PER_UPLOAD, prepareStaged, type PreparedFile } from "./store.server";
import { evidenceStore } from "./stores.server";
import { type EvidenceUpload, stageFiles, storeStaged } from "./upload.server";

export { EvidenceError, type EvidenceView };
export { DEFAULT_EVIDENCE_MAX_BYTES, evidenceMaxBytes, listEvidence, MAX_FILES_PER_UPLOAD } from "./store.server";
export { type EvidenceUpload, readEvidencePost } from "./upload.server";

export interface EvidenceOptions {
  ip?: string | null;
  /** An organisation admin's reason for acting outside the fill window (logged by assertItemEditable). */
  overrideReason?: string | null;
}

type Target = string | AssessmentContext;

/** The assessment with fill permission: loads it by id, or re-checks an already loaded context (pure, no query). */
async function fillContext(db: Db, actor: Actor, target: Target): Promise<AssessmentContext> {
  if (typeof target === "string") return requireAssessment(db, actor, target, "assessment.fill");
  if (!canOnUnit(actor, "assessment.read", target.unit)) throw notFound();
  if (!canOnUnit(actor, "assessment.fill", target.unit)) throw forbidden();
  return target;
}

/** The item must exist in the frozen instrument and be editable now (status, returned items, fill window). */
async function assertEditable(db: Db, actor: Actor, ctx: AssessmentContext, itemId: string, opts: EvidenceOptions): Promise<void> {
  if (!outlineOf(ctx.instrument).items.has(itemId)) throw new EvidenceError("evidence.unknownItem", "itemId");
  try {
    await assertItemEditable(db, actor, ctx, itemId, opts.overrideReason ?? null);
  } catch (e) {
    if (e instanceof WorkbenchError) throw new EvidenceError(e.key, null, {}, e.key === "workbench.unknownItem" ? 400 : 403);
    throw e;
  }
}

const audit = (
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  action: string,
  entityId: string,
  before: unknown,
  after: unknown,
  opts: EvidenceOptions,
) =>
  writeAudit(db, {
    actorUserId: actor.id,
    organisationId: ctx.assessment.organisation_id,
    action,
    entityType: "evidence",
    entityId,
    before,
    after,
    ip: opts.ip ?? null,
  });

async function liveItemIds(db: Db, evidenceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("evidence_item")
    .select("item_id")
    .where("evidence_id", "=", evidenceId)
    .where("removed_at", "is", null)
    .orderBy("item_id")
    .execute();
  return rows.map((r) => r.item_id);
}

async function linkItem(db: Db, actor: Actor, ctx: AssessmentContext, evidenceId: string, itemId: string, now: string): Promise<void> {
  await db
    .insertInto("evidence_item")
    .values({
      id: newId(),
      evidence_id: evidenceId,
      assessment_id: ctx.assessment.id,
      item_id: itemId,
      created_at: now,
      created_by: actor.id,
      removed_at: null,
    })
    .execute();
}

type NewEvidence = Pick<EvidenceTable, "kind" | "blob_sha256" | "url" | "name" | "mime" | "size" | "evidence_date">;

/** The live evidence already supporting `itemId` with this file hash or url, if any (uploads and imports do not add it twice). */
async function liveEvidenceOfItem(
  db: Db,
  ctx: AssessmentContext,
  itemId: string,
  column: "blob_sha256" | "url",
  value: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom("evidence")
    .innerJoin("evidence_item", "evidence_item.evidence_id", "evidence.id")
    .select("evidence.id")
    .where("evidence.assessment_id", "=", ctx.assessment.id)
    .where(`evidence.${column}`, "=", value)
    .where("evidence.removed_at", "is", null)
    .where("evidence_item.item_id", "=", itemId)
    .where("evidence_item.removed_at", "is", null)
    .executeTakeFirst();
}

/** One new evidence row supporting one item, with its audit entry; runs in the caller's transaction. */
async function insertEvidence(
  trx: Db,
  actor: Actor,
  ctx: AssessmentContext,
  opts: EvidenceOptions,
  input: { itemId: string; now: string; row: NewEvidence; action: string; audited: Record<string, unknown> },
): Promise<string> {
  const { itemId, now, row } = input;
  const id = newId();
  await trx
    .insertInto("evidence")
    .values({ id, assessment_id: ctx.assessment.id, ...row, uploaded_by: actor.id, created_at: now, removed_at: null, removed_by: null })
    .execute();
  await linkItem(trx, actor, ctx, id, itemId, now);
  await audit(trx, actor, ctx, input.action, id, undefined, { ...input.audited, evidenceDate: row.evidence_date, itemIds: [itemId] }, opts);
  return id;
}

/**
 * Uploads files as evidence of one item, all or nothing: every file is checked before any is stored.
 * Identical bytes are stored once (one blob); each upload gets its own evidence row (own name, date,
 * uploader), except that re-uploading a file already attached to this item returns the existing row.
 * The files were staged (streamed to temporary files, hashed and sniffed) by readEvidencePost or
 * stageFiles; the caller disposes the upload afterwards.
 */
export async function addStagedEvidences(
  db: Db,
  actor: Actor,
  assessment: Target,
  itemId: string,
  upload: EvidenceUpload,
  evidenceDate: string | null,
  opts: EvidenceOptions = {},
): Promise<EvidenceView[]> {
  const ctx = await fillContext(db, actor, assessment);
  await assertEditable(db, actor, ctx, itemId, opts);
  const date = parseEvidenceDate(evidenceDate);
  if (!date.ok) throw new EvidenceError("evidence.invalidDate", "evidenceDate");
  const chosen = upload.files;
  if (chosen.length === 0) throw new EvidenceError("evidence.fileRequired", "file");
  if (chosen.length > MAX_FILES_PER_UPLOAD) throw new EvidenceError("evidence.tooMany", "file", { max: MAX_FILES_PER_UPLOAD });
  const prepared: PreparedFile[] = chosen.map((f) => prepareStaged(f));
  for (const p of prepared) await storeStaged(upload.store, p);
  const ids: string[] = [];
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    for (const p of prepared) {
      const same = await liveEvidenceOfItem(trx, ctx, itemId, "blob_sha256", p.sha256);
      if (same) {
        if (!ids.includes(same.id)) ids.push(same.id);
        continue;
      }
      await trx
        .insertInto("evidence_blob")
        .values({ sha256: p.sha256, size: p.size, mime: p.mime, created_at: now })
        .onConflict((oc) => oc.column("sha256").doNothing())
        .execute();
      const id = await insertEvidence(trx, actor, ctx, opts, {
        itemId,
        now,
        row: { kind: "file", blob_sha256: p.sha256, url: null, name: p.name, mime: p.mime, size: p.size, evidence_date: date.value },
        action: "evidence.upload",
        audited: { name: p.name, mime: p.mime, size: p.size, sha256: p.sha256 },
      });
      ids.push(id);
    }
  });
  // Now referenced: an object store has no atomic quarantine like the local one, so a blob that a
  // concurrent `evidence gc` deleted between writeBlob and the commit is written again (from the
  // staged file, which the upload keeps until it is disposed).
  for (const p of prepared) if (!(await upload.store.has(p.sha256))) await storeStaged(upload.store, p);
  return loadViews(db, ctx.assessment.id, ids);
}

/** addStagedEvidences for File objects (the service API, imports, tests): staged through the same stream. */
export async function addFileEvidences(
  db: Db,
  actor: Actor,
  assessment: Target,
  itemId: string,
  files: File[],
  evidenceDate: string | null,
  opts: EvidenceOptions = {},
): Promise<EvidenceView[]> {
  const upload = await stageFiles(files);
  try {
    return await addStagedEvidences(db, actor, assessment, itemId, upload, evidenceDate, opts);
  } finally {
    await upload.dispose();
  }
}

export async function addFileEvidence(
  db: Db,
  actor: Actor,
  assessment: Target,
  itemId: string,
  file: File,
  evidenceDate: string | null,
  opts: EvidenceOptions = {},
): Promise<EvidenceView> {
  const [view] = await addFileEvidences(db, actor, assessment, itemId, [file], evidenceDate, opts);
  return view!;
}

/** Adds an http(s) link as evidence of one item. */
export async function addLinkEvidence(
  db: Db,
  actor: Actor,
  assessment: Target,
  itemId: string,
  input: { url: string; name?: string | null; evidenceDate?: string | null },
  opts: EvidenceOptions = {},
): Promise<EvidenceView> {
  const ctx = await fillContext(db, actor, assessment);
  await assertEditable(db, actor, ctx, itemId, opts);
  const parsed = parseEvidenceUrl(input.url);
  if (!parsed.ok) throw new EvidenceError(parsed.key, "url");
  const date = parseEvidenceDate(input.evidenceDate);
  if (!date.ok) throw new EvidenceError("evidence.invalidDate", "evidenceDate");
  const name = linkName(input.name, parsed.url);
  const id = await db.transaction().execute((trx) =>
    insertEvidence(trx, actor, ctx, opts, {
      itemId,
      now: new Date().toISOString(),
      row: { kind: "link", blob_sha256: null, url: parsed.url, name, mime: null, size: null, evidence_date: date.value },
      action: "evidence.link",
      audited: { name, url: parsed.url },
    }),
  );
  return (await loadViews(db, ctx.assessment.id, [id]))[0]!;
}

/**
 * A link as evidence of one item inside the caller's transaction (an Excel import); the caller has
 * checked that the item is editable. Returns null when the item already has this link.
 */
export async function addLinkEvidenceIn(
  trx: Db,
  actor: Actor,
  ctx: AssessmentContext,
  itemId: string,
  url: string,
  source: Record<string, unknown>,
): Promise<string | null> {
  const parsed = parseEvidenceUrl(url);
  if (!parsed.ok) throw new EvidenceError(parsed.key, "url");
  const existing = await liveEvidenceOfItem(trx, ctx, itemId, "url", parsed.url);
  if (existing) return null;
  const name = linkName(null, parsed.url);
  return insertEvidence(
    trx,
    actor,
    ctx,
    {},
    {
      itemId,
      now: new Date().toISOString(),
      row: { kind: "link", blob_sha256: null, url: parsed.url, name, mime: null, size: null, evidence_date: null },
      action: "evidence.link",
      audited: { name, url: parsed.url, source },
    },
  );
}

async function liveEvidence(db: Db, ctx: AssessmentContext, evidenceId: string): Promise<Evidence> {
  const row = await db
    .selectFrom("evidence")
    .selectAll()
    .where("id", "=", evidenceId)
    .where("assessment_id", "=", ctx.assessment.id)
    .where("removed_at", "is", null)
    .executeTakeFirst();
  if (!row) throw new EvidenceError("evidence.notFound", "evidenceId");
  return row;
}

const summary = (row: Evidence, itemIds: string[]) => ({ name: row.name, sha256: row.blob_sha256, url: row.url, itemIds });

/** The view of one evidence row after a change; removed rows are included so the caller sees the removal. */
async function viewAfterChange(db: Db, ctx: AssessmentContext, evidenceId: string): Promise<EvidenceView> {
  return (await loadViews(db, ctx.assessment.id, [evidenceId], false))[0]!;
}

/** What a link change did, for the audit log; null when it changed nothing. */
type LinkChange = { action: string; after: Record<string, unknown> } | null;

interface LinkChangeInput {
  trx: Db;
  actor: Actor;
  ctx: AssessmentContext;
  row: Evidence;
  before: string[];
  evidenceId: string;
  itemId: string;
}

/**
 * Builds attach and detach on one frame: the item must be editable, then one transaction reads the
 * live row and its links, applies `change` and audits the before/after summaries.
 */
function itemLinkChange(change: (input: LinkChangeInput) => Promise<LinkChange>) {
  return async (
    db: Db,
    actor: Actor,
    assessment: Target,
    evidenceId: string,
    itemId: string,
    opts: EvidenceOptions = {},
  ): Promise<EvidenceView> => {
    const ctx = await fillContext(db, actor, assessment);
    await assertEditable(db, actor, ctx, itemId, opts);
    await db.transaction().execute(async (trx) => {
      const row = await liveEvidence(trx, ctx, evidenceId);
      const before = await liveItemIds(trx, evidenceId);
      const done = await change({ trx, actor, ctx, row, before, evidenceId, itemId });
      if (done) await audit(trx, actor, ctx, done.action, evidenceId, summary(row, before), done.after, opts);
    });
    return viewAfterChange(db, ctx, evidenceId);
  };
}

/** Lets one evidence row support another item of the same assessment ("attach existing"). Idempotent. */
export const attachEvidence = itemLinkChange(async ({ trx, actor, ctx, row, before, evidenceId, itemId }) => {
  if (before.includes(itemId)) return null;
  await linkItem(trx, actor, ctx, evidenceId, itemId, new Date().toISOString());
  return { action: "evidence.attach", after: summary(row, [...before, itemId].sort()) };
});

/**
 * Unlinks evidence from one item (soft: removed_at). When no item is left the evidence row itself
 * is marked removed. Files are never deleted: a blob stays on disk even when nothing references it,
 * so no removal can ever destroy a file another row (or a carried-over assessment) still uses.
 */
export const detachEvidence = itemLinkChange(async ({ trx, actor, row, before, evidenceId, itemId }) => {
  if (!before.includes(itemId)) throw new EvidenceError("evidence.notFound", "evidenceId");
  const now = new Date().toISOString();
  await trx
    .updateTable("evidence_item")
    .set({ removed_at: now })
    .where("evidence_id", "=", evidenceId)
    .where("item_id", "=", itemId)
    .where("removed_at", "is", null)
    .execute();
  const after = before.filter((i) => i !== itemId);
  if (after.length === 0)
    await trx.updateTable("evidence").set({ removed_at: now, removed_by: actor.id }).where("id", "=", evidenceId).execute();
  return { action: "evidence.detach", after: { ...summary(row, after), removed: after.length === 0 } };
});

/** Removes evidence from every item at once; each of those items must be editable. */
export async function removeEvidence(
  db: Db,
  actor: Actor,
  assessment: Target,
  evidenceId: string,
  opts: EvidenceOptions = {},
): Promise<EvidenceView> {
  const ctx = await fillContext(db, actor, assessment);
  const row = await liveEvidence(db, ctx, evidenceId);
  const before = await liveItemIds(db, evidenceId);
  for (const itemId of before) await assertEditable(db, actor, ctx, itemId, opts);
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    await trx
      .updateTable("evidence_item")
      .set({ removed_at: now })
      .where("evidence_id", "=", evidenceId)
      .where("removed_at", "is", null)
      .execute();
    await trx
      .updateTable("evidence")
      .set({ removed_at: now, removed_by: actor.id })
      .where("id", "=", evidenceId)
      .where("removed_at", "is", null)
      .execute();
    await audit(trx, actor, ctx, "evidence.remove", evidenceId, summary(row, before), { ...summary(row, []), removed: true }, opts);
  });
  return viewAfterChange(db, ctx, evidenceId);
}

export interface EvidenceFile {
  name: string;
  mime: string;
  size: number;
  /** The bytes, streamed from the evidence store; the caller must consume or destroy it. */
  stream: Readable;
}

/** A downloadable file: 404 when missing, removed, a link, in an assessment the actor cannot read, or absent from the store. */
export async function getEvidenceFile(db: Db, actor: Actor, evidenceId: string): Promise<EvidenceFile> {
  if (evidenceId.length > 64) throw notFound();
  const row = await db.selectFrom("evidence").selectAll().where("id", "=", evidenceId).executeTakeFirst();
  if (!row) throw notFound();
  await requireAssessment(db, actor, row.assessment_id, "assessment.read");
  if (row.removed_at !== null || row.kind !== "file" || !row.blob_sha256) throw notFound();
  const blob = await evidenceStore().get(row.blob_sha256);
  if (!blob) throw notFound();
  return { name: row.name, mime: row.mime ?? "application/octet-stream", size: blob.size, stream: blob.stream };
}
