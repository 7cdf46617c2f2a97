/**
 * Adding evidence to one item: uploaded files (staged, hashed, stored once per sha256) and http(s)
 * links, each a new evidence row with its audit entry; Excel imports add links inside their own transaction.
 * The same content is never listed twice (issue #27): a file or link already on the item is not added
 * again, one already elsewhere in the assessment is attached to this item too; either way the result
 * carries a notice saying so. What the actor may not see (another rater's blind evidence) never counts.
 */
import type { Db } from "#db/client.server";
import type { EvidenceTable } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import type { AssessmentContext } from "~/services/workbench/assessments.server";
import { newId } from "~/utils/ids";
import { blindScope, hiddenFrom } from "~/services/blind/visibility.server";
import {
  assertEditable,
  audit,
  fillContext,
  linkItem,
  liveEvidence,
  liveItemIds,
  summary,
  viewerOf,
  type EvidenceOptions,
  type Target,
} from "./access.server";
import {
  EvidenceError,
  linkName,
  parseEvidenceDate,
  parseEvidenceUrl,
  type AddedEvidence,
  type EvidenceNotice,
  type EvidenceView,
} from "./rules";
import { loadViews, MAX_FILES_PER_UPLOAD, prepareStaged, type PreparedFile } from "./store.server";
import { type EvidenceUpload, stageFiles, storeStaged } from "./upload.server";

type NewEvidence = Pick<EvidenceTable, "kind" | "blob_sha256" | "url" | "name" | "mime" | "size" | "evidence_date">;

/** Live evidence of the assessment with the same content as a new file or link, as the actor sees it. */
type Existing =
  /** Already supporting this item: nothing to add. */
  | { on: "item"; id: string; name: string }
  /** Supporting other items the actor sees (`items`): attach it to this one too. */
  | { on: "elsewhere"; id: string; name: string; items: string[] };

/**
 * The live evidence with this file hash or url that the actor sees, on `itemId` first, else on other
 * items of the assessment (uploads, links and imports do not add the same content twice). Another
 * rater's link in an open blind round does not count, so nothing about it leaks: the actor gets their
 * own row. Evidence linked to `itemId` only by such a hidden link is not reused either (it would be
 * linked to the item twice).
 */
async function existingEvidence(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  itemId: string,
  column: "blob_sha256" | "url",
  value: string,
): Promise<Existing | null> {
  const rows = await db
    .selectFrom("evidence")
    .innerJoin("evidence_item", "evidence_item.evidence_id", "evidence.id")
    .select(["evidence.id", "evidence.name", "evidence_item.item_id", "evidence_item.created_by", "evidence_item.created_at"])
    .where("evidence.assessment_id", "=", ctx.assessment.id)
    .where(`evidence.${column}`, "=", value)
    .where("evidence.removed_at", "is", null)
    .where("evidence_item.removed_at", "is", null)
    .orderBy("evidence.created_at")
    .orderBy("evidence.id")
    .orderBy("evidence_item.item_id")
    .execute();
  if (rows.length === 0) return null;
  const scope = await blindScope(db, ctx.assessment.id, ctx.instrument);
  const visible = rows.filter((r) => !hiddenFrom(scope, actor.id, { itemId: r.item_id, authorId: r.created_by, at: r.created_at }));
  const here = visible.find((r) => r.item_id === itemId);
  if (here) return { on: "item", id: here.id, name: here.name };
  const linkedHere = new Set(rows.filter((r) => r.item_id === itemId).map((r) => r.id));
  const other = visible.find((r) => !linkedHere.has(r.id));
  if (!other) return null;
  const items = [...new Set(visible.filter((r) => r.id === other.id).map((r) => r.item_id))];
  return { on: "elsewhere", id: other.id, name: other.name, items };
}

/** Attaches existing evidence to one more item inside the caller's transaction, audited as `evidence.attach`. */
async function attachExisting(
  trx: Db,
  actor: Actor,
  ctx: AssessmentContext,
  opts: EvidenceOptions,
  evidenceId: string,
  itemId: string,
  now: string,
) {
  const row = await liveEvidence(trx, ctx, evidenceId);
  const before = await liveItemIds(trx, evidenceId);
  await linkItem(trx, actor, ctx, evidenceId, itemId, now);
  await audit(trx, actor, ctx, "evidence.attach", evidenceId, summary(row, before), summary(row, [...before, itemId].sort()), opts);
}

/**
 * Uses what `existingEvidence` found, inside the caller's transaction: nothing to do when the item has
 * it already, else attaches it; returns the evidence id and the notice that says which it was.
 */
async function reuse(
  trx: Db,
  actor: Actor,
  ctx: AssessmentContext,
  opts: EvidenceOptions,
  input: { existing: Existing; itemId: string; now: string; file: string | null },
): Promise<{ id: string; notice: EvidenceNotice }> {
  const { existing, file } = input;
  // A file's notice names the uploaded file too (an upload may hold several); a link is posted alone.
  const named: Record<string, string> = file === null ? { name: existing.name } : { file, name: existing.name };
  if (existing.on === "item") {
    return { id: existing.id, notice: { key: file === null ? "evidence.linkAlreadyAttached" : "evidence.alreadyAttached", params: named } };
  }
  await attachExisting(trx, actor, ctx, opts, existing.id, input.itemId, input.now);
  return {
    id: existing.id,
    notice: { key: file === null ? "evidence.linkReused" : "evidence.reused", params: { ...named, items: existing.items.join(", ") } },
  };
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
 * Identical bytes are stored once (one blob) and listed once per assessment: a file whose content the
 * actor already sees on this item is not added again, one they see on other items is attached to this
 * item too (keeping its name, date and uploader), and a file chosen twice in one upload is stored once;
 * each of these comes back as a notice. Other files get their own evidence row. The files were staged
 * (streamed to temporary files, hashed and sniffed) by readEvidencePost or stageFiles; the caller
 * disposes the upload afterwards.
 */
export async function addStagedEvidences(
  db: Db,
  actor: Actor,
  assessment: Target,
  itemId: string,
  upload: EvidenceUpload,
  evidenceDate: string | null,
  opts: EvidenceOptions = {},
): Promise<AddedEvidence> {
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
  const notices: EvidenceNotice[] = [];
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const chosenBefore = new Set<string>();
    for (const p of prepared) {
      if (chosenBefore.has(p.sha256)) {
        notices.push({ key: "evidence.duplicateInUpload", params: { name: p.name } });
        continue;
      }
      chosenBefore.add(p.sha256);
      const existing = await existingEvidence(trx, actor, ctx, itemId, "blob_sha256", p.sha256);
      if (existing) {
        const reused = await reuse(trx, actor, ctx, opts, { existing, itemId, now, file: p.name });
        if (!ids.includes(reused.id)) ids.push(reused.id);
        notices.push(reused.notice);
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
  return { evidence: await loadViews(db, ctx.assessment.id, ids, true, viewerOf(actor, ctx)), notices };
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
    return (await addStagedEvidences(db, actor, assessment, itemId, upload, evidenceDate, opts)).evidence;
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

/**
 * Adds an http(s) link as evidence of one item. Like a file, a link (same normalised url) the actor
 * already sees on this item is not added again, and one they see on other items is attached to this
 * item too; the notice says which.
 */
export async function linkEvidence(
  db: Db,
  actor: Actor,
  assessment: Target,
  itemId: string,
  input: { url: string; name?: string | null; evidenceDate?: string | null },
  opts: EvidenceOptions = {},
): Promise<AddedEvidence> {
  const ctx = await fillContext(db, actor, assessment);
  await assertEditable(db, actor, ctx, itemId, opts);
  const parsed = parseEvidenceUrl(input.url);
  if (!parsed.ok) throw new EvidenceError(parsed.key, "url");
  const date = parseEvidenceDate(input.evidenceDate);
  if (!date.ok) throw new EvidenceError("evidence.invalidDate", "evidenceDate");
  const name = linkName(input.name, parsed.url);
  const { id, notice } = await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const existing = await existingEvidence(trx, actor, ctx, itemId, "url", parsed.url);
    if (existing) return reuse(trx, actor, ctx, opts, { existing, itemId, now, file: null });
    const id = await insertEvidence(trx, actor, ctx, opts, {
      itemId,
      now,
      row: { kind: "link", blob_sha256: null, url: parsed.url, name, mime: null, size: null, evidence_date: date.value },
      action: "evidence.link",
      audited: { name, url: parsed.url },
    });
    return { id, notice: null };
  });
  const evidence = await loadViews(db, ctx.assessment.id, [id], true, viewerOf(actor, ctx));
  return { evidence, notices: notice ? [notice] : [] };
}

/** linkEvidence for callers that want only the row (the service API, tests). */
export async function addLinkEvidence(
  db: Db,
  actor: Actor,
  assessment: Target,
  itemId: string,
  input: { url: string; name?: string | null; evidenceDate?: string | null },
  opts: EvidenceOptions = {},
): Promise<EvidenceView> {
  return (await linkEvidence(db, actor, assessment, itemId, input, opts)).evidence[0]!;
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
  const existing = await existingEvidence(trx, actor, ctx, itemId, "url", parsed.url);
  if (existing?.on === "item") return null;
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
