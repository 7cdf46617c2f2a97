/**
 * Adding evidence to one item: uploaded files (staged, hashed, stored once per sha256) and http(s)
 * links, each a new evidence row with its audit entry; Excel imports add links inside their own transaction.
 */
import type { Db } from "#db/client.server";
import type { EvidenceTable } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import type { AssessmentContext } from "~/services/workbench/assessments.server";
import { newId } from "~/utils/ids";
import { blindScope, hiddenFrom } from "~/services/blind/visibility.server";
import { assertEditable, audit, fillContext, linkItem, viewerOf, type EvidenceOptions, type Target } from "./access.server";
import { EvidenceError, linkName, parseEvidenceDate, parseEvidenceUrl, type EvidenceView } from "./rules";
import { loadViews, MAX_FILES_PER_UPLOAD, prepareStaged, type PreparedFile } from "./store.server";
import { type EvidenceUpload, stageFiles, storeStaged } from "./upload.server";

type NewEvidence = Pick<EvidenceTable, "kind" | "blob_sha256" | "url" | "name" | "mime" | "size" | "evidence_date">;

/**
 * The live evidence already supporting `itemId` with this file hash or url, if any (uploads and imports
 * do not add it twice). Another rater's link in an open blind round does not count: the actor gets their own.
 */
async function liveEvidenceOfItem(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  itemId: string,
  column: "blob_sha256" | "url",
  value: string,
): Promise<{ id: string } | undefined> {
  const rows = await db
    .selectFrom("evidence")
    .innerJoin("evidence_item", "evidence_item.evidence_id", "evidence.id")
    .select(["evidence.id", "evidence_item.created_by", "evidence_item.created_at"])
    .where("evidence.assessment_id", "=", ctx.assessment.id)
    .where(`evidence.${column}`, "=", value)
    .where("evidence.removed_at", "is", null)
    .where("evidence_item.item_id", "=", itemId)
    .where("evidence_item.removed_at", "is", null)
    .execute();
  if (rows.length === 0) return undefined;
  const scope = await blindScope(db, ctx.assessment.id, ctx.instrument);
  const mine = rows.find((r) => !hiddenFrom(scope, actor.id, { itemId, authorId: r.created_by, at: r.created_at }));
  return mine && { id: mine.id };
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
      const same = await liveEvidenceOfItem(trx, actor, ctx, itemId, "blob_sha256", p.sha256);
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
  return loadViews(db, ctx.assessment.id, ids, true, viewerOf(actor, ctx));
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
  return (await loadViews(db, ctx.assessment.id, [id], true, viewerOf(actor, ctx)))[0]!;
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
  const existing = await liveEvidenceOfItem(trx, actor, ctx, itemId, "url", parsed.url);
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
