import path from "node:path";
import { dataDir, type Db } from "#db/client.server";
import type { Instrument } from "~/domain/instrument/schema";
import { blindScope, hiddenFrom } from "~/services/blind/visibility.server";
import { decideName, EvidenceError, type EvidenceView } from "./rules";
import { EVIDENCE_TYPES, type Sniffed } from "./sniff";
import type { EvidenceStore } from "./blob-store.server";
import { evidenceStore } from "./stores.server";

/**
 * Where evidence lives: bytes once per sha256 in the evidence store (DATA_DIR/evidence or
 * EVIDENCE_STORE=s3://…, see evidence/stores.server.ts), and the evidence rows read back as views. No permission checks here; evidence.server.ts is the entry point.
 */

export const DEFAULT_EVIDENCE_MAX_BYTES = 25 * 1024 * 1024;
export const MAX_FILES_PER_UPLOAD = 20;

/** Per-file size limit from EVIDENCE_MAX_BYTES (bytes; default 25 MB). */
export function evidenceMaxBytes(): number {
  const n = Number(process.env.EVIDENCE_MAX_BYTES);
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_EVIDENCE_MAX_BYTES;
}

/** The local store's directory (also when EVIDENCE_STORE names an object store: the migration's source or target). */
export function evidenceDir(): string {
  return path.join(dataDir(), "evidence");
}

/** The blob's path in the local store; the hash is checked so a bad database value can never point outside the directory. */
export function blobPath(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error("evidence: not a sha256");
  return path.join(evidenceDir(), sha256);
}

/** A staged upload that passed every check, ready to be stored. */
export interface PreparedFile {
  /** Its finished temporary file (upload.server.ts). */
  path: string;
  size: number;
  sha256: string;
  name: string;
  mime: string;
}

/** One file of an upload, hashed and sniffed while it streamed into its temporary file. */
export interface StagedFile {
  /** The name the client sent (decideName makes it safe). */
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  /** The finished temporary file; null when nothing was kept (refused, empty, or past the count limit). */
  readonly path: string | null;
  /** The type by the bytes; null when refused while streaming or past the count limit. */
  readonly sniffed: Sniffed | null;
  /** A refusal found while streaming: too large, or the store is full. */
  readonly error: EvidenceError | null;
}

/** Checks one staged upload (size, type by its bytes, name); throws EvidenceError naming the file. Nothing is stored. */
export function prepareStaged(file: StagedFile): PreparedFile {
  const shown = file.name.slice(0, 200);
  if (file.error) throw file.error;
  const sniffed = file.sniffed;
  if (!sniffed) throw new Error("evidence: an unchecked upload");
  if (!sniffed.ok) {
    const key = (
      {
        empty: "evidence.empty",
        markup: "evidence.markup",
        executable: "evidence.executable",
        macro: "evidence.macro",
        unknown: "evidence.unknownType",
      } as const
    )[sniffed.reason];
    throw new EvidenceError(key, "file", { name: shown });
  }
  const decided = decideName(file.name, sniffed.type);
  if (!decided.ok) {
    const label = sniffed.type === "text" ? "TXT" : EVIDENCE_TYPES[sniffed.type].label;
    throw new EvidenceError("evidence.extensionMismatch", "file", { name: shown, type: label, ext: decided.ext });
  }
  if (!file.path) throw new Error("evidence: an upload without its file");
  return { path: file.path, size: file.size, sha256: file.sha256, name: decided.name, mime: EVIDENCE_TYPES[decided.type].mime };
}

/**
 * Stores the bytes once under their hash in the installation's evidence store (evidence/stores.server.ts):
 * on disk a temp file, fsync and atomic rename; an object already stored is refreshed, so
 * `cermin evidence gc` (evidence/gc.server.ts) sees it in use. Takes bytes in memory or a staged file.
 */
export async function writeBlob(
  file: { sha256: string; mime: string; name?: string } & ({ bytes: Uint8Array } | { path: string; size: number }),
  store: EvidenceStore = evidenceStore(),
): Promise<void> {
  if ("bytes" in file) await store.put(file.sha256, file.bytes, { size: file.bytes.length, mime: file.mime });
  else await store.putFile(file.sha256, file.path, { size: file.size, mime: file.mime });
}

/**
 * Who is looking, for the blind rule of penilaian bersama (blind/visibility.server.ts): links a rater
 * added to an item of their open round are left out for everybody but their author. `id: null` is
 * nobody in particular (exports, evaluation samples): every blind link is left out.
 */
export interface EvidenceViewer {
  id: string | null;
  /** The assessment's frozen instrument when at hand (saves loading it). */
  instrument?: Instrument;
}

/** The evidence rows as views; with a viewer, links hidden from them are left out of `itemIds` (the caller drops rows left with none). */
export async function loadViews(db: Db, assessmentId: string, ids: string[] | null, liveOnly = true, viewer?: EvidenceViewer): Promise<EvidenceView[]> {
  if (ids && ids.length === 0) return [];
  let q = db
    .selectFrom("evidence")
    .leftJoin("user", "user.id", "evidence.uploaded_by")
    .selectAll("evidence")
    .select("user.name as uploader_name")
    .where("evidence.assessment_id", "=", assessmentId)
    .orderBy("evidence.created_at")
    .orderBy("evidence.id");
  if (liveOnly) q = q.where("evidence.removed_at", "is", null);
  if (ids) q = q.where("evidence.id", "in", ids);
  const rows = await q.execute();
  let lq = db
    .selectFrom("evidence_item")
    .select(["evidence_id", "item_id", "created_by", "created_at"])
    .where("assessment_id", "=", assessmentId)
    .where("removed_at", "is", null);
  if (ids) lq = lq.where("evidence_id", "in", ids);
  const links = await lq.orderBy("item_id").execute();
  const scope = viewer ? await blindScope(db, assessmentId, viewer.instrument) : null;
  const itemsOf = new Map<string, string[]>();
  for (const l of links) {
    if (viewer && hiddenFrom(scope, viewer.id, { itemId: l.item_id, authorId: l.created_by, at: l.created_at })) continue;
    itemsOf.set(l.evidence_id, [...(itemsOf.get(l.evidence_id) ?? []), l.item_id]);
  }
  const byId = new Map(
    rows.map((r): [string, EvidenceView] => [
      r.id,
      {
        id: r.id,
        kind: r.kind,
        name: r.name,
        mime: r.mime,
        size: r.size === null ? null : Number(r.size),
        url: r.url,
        sha256: r.blob_sha256,
        evidenceDate: r.evidence_date,
        uploadedBy: r.uploader_name ?? null,
        createdAt: r.created_at,
        itemIds: itemsOf.get(r.id) ?? [],
      },
    ]),
  );
  return ids ? ids.flatMap((id) => byId.get(id) ?? []) : [...byId.values()];
}

/**
 * The live evidence of an assessment that `viewer` may see, all of it and per item. Does not check
 * permissions: pass the id of an assessment obtained from requireAssessment. Without a viewer (exports,
 * evaluation samples) the links raters added in an open blind round are left out until the reveal.
 */
export async function listEvidence(
  db: Db,
  assessmentId: string,
  viewer: EvidenceViewer = { id: null },
): Promise<{ all: EvidenceView[]; byItem: Record<string, EvidenceView[]> }> {
  const all = (await loadViews(db, assessmentId, null, true, viewer)).filter((e) => e.itemIds.length > 0);
  const byItem: Record<string, EvidenceView[]> = {};
  for (const e of all) for (const i of e.itemIds) (byItem[i] ??= []).push(e);
  return { all, byItem };
}
