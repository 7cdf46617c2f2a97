import type { Db } from "#db/client.server";
import type { RenaksiEvidence } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { notFound } from "~/auth/require.server";
import { writeAudit } from "~/services/admin/audit.server";
import type { EvidenceFile } from "~/services/evidence/download.server";
import { EvidenceError, linkName, parseEvidenceUrl } from "~/services/evidence/rules";
import { MAX_FILES_PER_UPLOAD, prepareStaged, type PreparedFile } from "~/services/evidence/store.server";
import { evidenceStore } from "~/services/evidence/stores.server";
import { type EvidenceUpload, stageFiles, storeStaged } from "~/services/evidence/upload.server";
import { todayWib } from "~/services/workbench/rules";
import { newId } from "~/utils/ids";
import { RenaksiError, requirePlan, windowOpen, type PlanContext } from "./access.server";

/*
 * Bukti dukung of a Rencana Aksi target (issue #29, spec rb-2024 §2.2 general_perencanaan_target_dokumen):
 * files and http(s) links, each with a title. Files go through the assessment evidence pipeline
 * unchanged (evidence/upload.server.ts: streamed, hashed, sniffed by their bytes; the same size and
 * type rules, prepareStaged; the same content-addressed store and evidence_blob rows), so a refused
 * file is refused with the same message naming it, and nothing of its upload is stored.
 *
 * Only the RB team (requirePlan "fill") inside the planning window adds or removes; every change is
 * audited (`renaksi.evidence`, `renaksi.evidence.remove`). Removal is soft: the row keeps naming its
 * blob, so `cermin evidence gc` keeps the bytes (gc.server.ts counts these rows). Evidence does not
 * enter A101/A102 nor the plan workbook, so unlike the other plan changes it neither re-scores nor bumps
 * the plan's version (which would make a pending Excel preview stale for nothing).
 */

export interface RenaksiEvidenceView {
  id: string;
  targetId: string;
  kind: "file" | "link";
  /** The title. */
  name: string;
  filename: string | null;
  mime: string | null;
  size: number | null;
  url: string | null;
  uploadedBy: string | null;
  createdAt: string;
}

/** What an upload left: the new rows, and the files not added again because the target already has them. */
export interface RenaksiEvidenceAdded {
  ids: string[];
  already: string[];
}

export const MAX_TITLE_LENGTH = 200;

/** A one-line title, bounded; "" when nothing was given. */
function cleanTitle(raw: string | null | undefined): string {
  const clean = (raw ?? "")
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return [...clean].slice(0, MAX_TITLE_LENGTH).join("");
}

/** The team, the planning window, and the target of this plan (another plan's target is "not found"). */
/** Evidence backs the plan and its realisation: it may be added while planning or monitoring is open. */
function evidenceWindowOpen(ctx: PlanContext): boolean {
  const today = todayWib();
  return windowOpen(ctx.plan.plan_open, ctx.plan.plan_close, today) || windowOpen(ctx.plan.monev_open, ctx.plan.monev_close, today);
}

async function fillTarget(db: Db, actor: Actor, planId: string, targetId: string): Promise<PlanContext> {
  const ctx = await requirePlan(db, actor, planId, "fill");
  if (!evidenceWindowOpen(ctx)) throw new RenaksiError("renaksi.windowClosed");
  const target = await db
    .selectFrom("renaksi_target")
    .select("id")
    .where("id", "=", targetId)
    .where("plan_id", "=", planId)
    .executeTakeFirst();
  if (!target) throw new RenaksiError("renaksi.notFound");
  return ctx;
}

const audit = (trx: Db, actor: Actor, ctx: PlanContext, action: string, id: string, entry: { before?: unknown; after?: unknown }) =>
  writeAudit(trx, {
    actorUserId: actor.id,
    organisationId: ctx.plan.organisation_id,
    action,
    entityType: "renaksi_evidence",
    entityId: id,
    ...entry,
  });

/**
 * Adds the staged files of one upload to a target, all or nothing: every file is checked (type by its
 * bytes, size, not empty, a name matching its type) before any is stored. A file the target already has
 * (same bytes) or chosen twice is listed once. `title` names every file of the upload; without one a
 * file's own name is its title. The caller disposes the upload.
 */
export async function addStagedRenaksiEvidence(
  db: Db,
  actor: Actor,
  planId: string,
  targetId: string,
  upload: EvidenceUpload,
  title: string | null,
): Promise<RenaksiEvidenceAdded> {
  const ctx = await fillTarget(db, actor, planId, targetId);
  const chosen = upload.files;
  if (chosen.length === 0) throw new EvidenceError("evidence.fileRequired", "file");
  if (chosen.length > MAX_FILES_PER_UPLOAD) throw new EvidenceError("evidence.tooMany", "file", { max: MAX_FILES_PER_UPLOAD });
  const prepared: PreparedFile[] = chosen.map((f) => prepareStaged(f));
  const given = cleanTitle(title);
  for (const p of prepared) await storeStaged(upload.store, p);
  const ids: string[] = [];
  const already: string[] = [];
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const seen = new Set<string>();
    for (const p of prepared) {
      const onTarget = await trx
        .selectFrom("renaksi_evidence")
        .select("id")
        .where("target_id", "=", targetId)
        .where("blob_sha256", "=", p.sha256)
        .where("removed_at", "is", null)
        .executeTakeFirst();
      if (seen.has(p.sha256) || onTarget) {
        already.push(p.name);
        continue;
      }
      seen.add(p.sha256);
      await trx
        .insertInto("evidence_blob")
        .values({ sha256: p.sha256, size: p.size, mime: p.mime, created_at: now })
        .onConflict((oc) => oc.column("sha256").doNothing())
        .execute();
      const id = newId();
      const name = given || p.name;
      await trx
        .insertInto("renaksi_evidence")
        .values({
          id,
          plan_id: planId,
          target_id: targetId,
          kind: "file",
          blob_sha256: p.sha256,
          url: null,
          name,
          filename: p.name,
          mime: p.mime,
          size: p.size,
          uploaded_by: actor.id,
          created_at: now,
          removed_at: null,
          removed_by: null,
        })
        .execute();
      await audit(trx, actor, ctx, "renaksi.evidence", id, {
        after: { targetId, kind: "file", name, filename: p.name, mime: p.mime, size: p.size, sha256: p.sha256 },
      });
      ids.push(id);
    }
  });
  // As for assessment evidence: a blob a concurrent `evidence gc` on an object store deleted between
  // the write and the commit is written again from the staged file.
  for (const p of prepared) if (!(await upload.store.has(p.sha256))) await storeStaged(upload.store, p);
  return { ids, already };
}

/** addStagedRenaksiEvidence for File objects (the service API, tests): staged through the same stream. */
export async function addRenaksiFiles(
  db: Db,
  actor: Actor,
  planId: string,
  targetId: string,
  files: File[],
  title: string | null,
): Promise<RenaksiEvidenceAdded> {
  // Access first, so that someone outside the plan has nothing staged at all.
  await fillTarget(db, actor, planId, targetId);
  const upload = await stageFiles(files);
  try {
    return await addStagedRenaksiEvidence(db, actor, planId, targetId, upload, title);
  } finally {
    await upload.dispose();
  }
}

/** Adds an http(s) link to a target; without a title, its host and path. The same live link is not added twice. */
export async function addRenaksiLink(
  db: Db,
  actor: Actor,
  planId: string,
  targetId: string,
  input: { url: string; title?: string | null },
): Promise<RenaksiEvidenceAdded> {
  const ctx = await fillTarget(db, actor, planId, targetId);
  const parsed = parseEvidenceUrl(input.url);
  if (!parsed.ok) throw new EvidenceError(parsed.key, "url");
  const name = linkName(cleanTitle(input.title), parsed.url);
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("renaksi_evidence")
      .select("name")
      .where("target_id", "=", targetId)
      .where("url", "=", parsed.url)
      .where("removed_at", "is", null)
      .executeTakeFirst();
    if (existing) return { ids: [], already: [existing.name] };
    const id = newId();
    await trx
      .insertInto("renaksi_evidence")
      .values({
        id,
        plan_id: planId,
        target_id: targetId,
        kind: "link",
        blob_sha256: null,
        url: parsed.url,
        name,
        filename: null,
        mime: null,
        size: null,
        uploaded_by: actor.id,
        created_at: new Date().toISOString(),
        removed_at: null,
        removed_by: null,
      })
      .execute();
    await audit(trx, actor, ctx, "renaksi.evidence", id, { after: { targetId, kind: "link", name, url: parsed.url } });
    return { ids: [id], already: [] };
  });
}

/** Removes (soft) one live evidence of the plan; another plan's or an already removed one is "not found". */
export async function removeRenaksiEvidence(db: Db, actor: Actor, planId: string, evidenceId: string): Promise<void> {
  const ctx = await requirePlan(db, actor, planId, "fill");
  if (!evidenceWindowOpen(ctx)) throw new RenaksiError("renaksi.windowClosed");
  const row = await db
    .selectFrom("renaksi_evidence")
    .selectAll()
    .where("id", "=", evidenceId)
    .where("plan_id", "=", planId)
    .where("removed_at", "is", null)
    .executeTakeFirst();
  if (!row) throw new RenaksiError("renaksi.notFound");
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("renaksi_evidence")
      .set({ removed_at: new Date().toISOString(), removed_by: actor.id })
      .where("id", "=", evidenceId)
      .execute();
    await audit(trx, actor, ctx, "renaksi.evidence.remove", evidenceId, {
      before: { targetId: row.target_id, kind: row.kind, name: row.name, filename: row.filename, url: row.url, sha256: row.blob_sha256 },
    });
  });
}

const view = (r: RenaksiEvidence & { uploader_name: string | null }): RenaksiEvidenceView => ({
  id: r.id,
  targetId: r.target_id,
  kind: r.kind,
  name: r.name,
  filename: r.filename,
  mime: r.mime,
  size: r.size === null ? null : Number(r.size),
  url: r.url,
  uploadedBy: r.uploader_name,
  createdAt: r.created_at,
});

/**
 * The live evidence of a plan (of one target when given), oldest first. Does not check permissions:
 * pass the id of a plan obtained from requirePlan.
 */
export async function listRenaksiEvidence(db: Db, planId: string, targetId?: string): Promise<RenaksiEvidenceView[]> {
  let q = db
    .selectFrom("renaksi_evidence as e")
    .leftJoin("user as u", "u.id", "e.uploaded_by")
    .selectAll("e")
    .select("u.name as uploader_name")
    .where("e.plan_id", "=", planId)
    .where("e.removed_at", "is", null)
    .orderBy("e.created_at")
    .orderBy("e.id");
  if (targetId !== undefined) q = q.where("e.target_id", "=", targetId);
  return (await q.execute()).map(view);
}

/** The live evidence of a plan per target. */
export async function renaksiEvidenceByTarget(db: Db, planId: string): Promise<Record<string, RenaksiEvidenceView[]>> {
  const out: Record<string, RenaksiEvidenceView[]> = {};
  for (const e of await listRenaksiEvidence(db, planId)) (out[e.targetId] ??= []).push(e);
  return out;
}

/**
 * A downloadable file of the plan: 404 when the plan is unreadable, the id is another plan's, the
 * evidence removed, a link, or its bytes absent from the store.
 */
export async function getRenaksiEvidenceFile(db: Db, actor: Actor, planId: string, evidenceId: string): Promise<EvidenceFile> {
  await requirePlan(db, actor, planId, "read");
  if (evidenceId.length > 64) throw notFound();
  const row = await db
    .selectFrom("renaksi_evidence")
    .selectAll()
    .where("id", "=", evidenceId)
    .where("plan_id", "=", planId)
    .executeTakeFirst();
  if (!row || row.removed_at !== null || row.kind !== "file" || !row.blob_sha256) throw notFound();
  const blob = await evidenceStore().get(row.blob_sha256);
  if (!blob) throw notFound();
  return { name: row.filename ?? row.name, mime: row.mime ?? "application/octet-stream", size: blob.size, stream: blob.stream };
}
