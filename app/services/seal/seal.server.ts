import { createHash } from "node:crypto";
import type { Db } from "#db/client.server";
import type { Seal } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import {
  canonicalJson,
  compareStates,
  RECEIPT_FORMAT,
  receiptCore,
  SEAL_FORMAT,
  type Json,
  type Mismatch,
  type Receipt,
  type ReceiptCore,
  type SealAppeal,
  type SealDocument,
  type SealOrigin,
  type SealState,
} from "~/domain/seal/document";
import type { AnswerValue } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { newId } from "~/utils/ids";
import { writeAudit } from "~/services/admin/audit.server";
import { sha256Of } from "~/services/evidence/blob-store.server";
import { evidenceStore } from "~/services/evidence/stores.server";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";
import { notificationConfig } from "~/services/notifications/config.server";
import { installationKey, keyIdOf, signText, verifyText, type SealKey } from "./keys.server";
import type { KeyObject } from "node:crypto";

/*
 * Sealed, verifiable submissions (issue #14). At submit and at finalise the workflow calls
 * sealAssessment in its transaction: the state of the submission (every answer and note of the team's
 * layer and of each released evaluator layer, every live evidence file's SHA-256 and every link with
 * the items it backs, the engine's score, the instrument and its content hash) becomes a canonical
 * document, hashed (SHA-256), chained to the previous seal of the assessment and of the organisation,
 * and signed with the installation's Ed25519 key. Seals are only ever inserted.
 *
 * verifyAssessment rebuilds the state from the database and the bytes in the evidence store and names
 * every difference by item or file; verifyReceipt checks a receipt with nothing but a public key.
 */

const sha256 = (text: string | Uint8Array) => createHash("sha256").update(text).digest("hex");

/** The public base URL receipts' verify links point at: the same setting as mail links (PUBLIC_URL). */
export function publicUrl(): string {
  return notificationConfig().publicUrl;
}

/**
 * The submission's state as the database holds it now. With `hashFiles`, each file's SHA-256 is
 * computed from the bytes in the evidence store (null when the file is missing) instead of read
 * from its row: that is what verification compares.
 */
export async function buildState(
  db: Db,
  assessmentId: string,
  opts: { hashFiles: boolean; layers?: readonly string[] },
): Promise<SealState> {
  const a = await db
    .selectFrom("assessment as a")
    .innerJoin("period as p", "p.id", "a.period_id")
    .select(["a.id", "a.unit_id", "a.organisation_id", "a.period_id", "a.instrument_hash", "p.year"])
    .where("a.id", "=", assessmentId)
    .executeTakeFirstOrThrow();
  const instrument = await getFrozenInstrument(db, a.instrument_hash);
  const released = await db
    .selectFrom("layer_release")
    .select("layer")
    .where("assessment_id", "=", assessmentId)
    .where("revoked_at", "is", null)
    .execute();
  // Verification reads exactly the layers that were sealed: a layer released (or revoked) later is the
  // evaluators' legitimate act after the submission, not a change to what was submitted.
  const layerNames = opts.layers ? [...opts.layers] : ["self", ...released.map((r) => r.layer).sort()];
  const answers = await db
    .selectFrom("answer")
    .select(["layer", "item_id", "value_json", "note"])
    .where("assessment_id", "=", assessmentId)
    .where("layer", "in", layerNames as never[])
    .orderBy("layer")
    .orderBy("item_id")
    .execute();
  const layers: Record<string, SealState["layers"][string]> = {};
  for (const l of layerNames) layers[l] = [];
  const self: Record<string, AnswerValue> = {};
  for (const row of answers) {
    if (row.value_json === null && row.note === null) continue;
    const value = row.value_json === null ? null : (JSON.parse(row.value_json) as Json);
    layers[row.layer]!.push({ item: row.item_id, value, note: row.note });
    if (row.layer === "self" && value !== null) self[row.item_id] = value as AnswerValue;
  }
  const rows = await db
    .selectFrom("evidence")
    .select(["id", "kind", "name", "blob_sha256", "url"])
    .where("assessment_id", "=", assessmentId)
    .where("removed_at", "is", null)
    .orderBy("id")
    .execute();
  const links = await db
    .selectFrom("evidence_item")
    .select(["evidence_id", "item_id"])
    .where("assessment_id", "=", assessmentId)
    .where("removed_at", "is", null)
    .execute();
  const itemsOf = new Map<string, string[]>();
  for (const l of links) itemsOf.set(l.evidence_id, [...(itemsOf.get(l.evidence_id) ?? []), l.item_id]);
  const evidence = await Promise.all(
    rows.map(async (e) => {
      let hash = e.blob_sha256;
      if (opts.hashFiles && e.kind === "file" && hash) hash = await fileSha256(hash);
      return {
        id: e.id,
        kind: e.kind,
        name: e.name,
        sha256: e.kind === "file" ? hash : null,
        url: e.url,
        items: (itemsOf.get(e.id) ?? []).sort(),
      };
    }),
  );
  const result = scoreAssessment(instrument, self);
  const nodes: Record<string, number> = {};
  for (const n of Object.values(result.nodes)) if (n.level !== "item") nodes[n.id] = n.value;
  return {
    assessment: { id: a.id, unit: a.unit_id, organisation: a.organisation_id, period: a.period_id, year: Number(a.year) },
    instrument: { id: instrument.id, version: instrument.version, hash: a.instrument_hash },
    layers,
    evidence,
    score: { total: result.total, predicate: result.predicate?.code ?? null, nodes },
  };
}

/** SHA-256 of a stored evidence file's bytes, streamed from the evidence store; null when it is not stored. */
async function fileSha256(sha: string): Promise<string | null> {
  const blob = await evidenceStore().get(sha);
  return blob ? sha256Of(blob.stream) : null;
}

/** The hash that identifies a seal in the chain: SHA-256 of the canonical receipt core. */
export function sealHashOf(core: ReceiptCore): string {
  return sha256(canonicalJson(core as unknown as Json));
}

/**
 * Seals the assessment's current state (inside the caller's transaction): the next seq of the
 * assessment, chained to its previous seal and to the organisation's latest seal, signed. Audited.
 */
export async function sealAssessment(
  db: Db,
  actor: Pick<Actor, "id">,
  assessmentId: string,
  event: "submit" | "finalise" | "appeal",
  now: string,
  key: SealKey = installationKey(),
  /** A historical final names the workbook it was imported from; the document and the signed receipt carry it. */
  origin?: SealOrigin,
  /** An "appeal" seal carries the accepted appeal in its document and its signed receipt (issue #30). */
  appeal?: SealAppeal,
): Promise<Seal> {
  if (appeal && event !== "appeal") throw new Error("sealAssessment: appeal facts belong to an appeal seal");
  const state = await buildState(db, assessmentId, { hashFiles: false });
  const user = await db.selectFrom("user").select(["id", "name", "email"]).where("id", "=", actor.id).executeTakeFirst();
  const by = { id: actor.id, name: user?.name ?? "", email: user?.email ?? "" };
  const prevOwn = await db
    .selectFrom("seal")
    .select(["seq", "seal_hash"])
    .where("assessment_id", "=", assessmentId)
    .orderBy("seq", "desc")
    .executeTakeFirst();
  const prevOrg = await db
    .selectFrom("seal")
    .select("seal_hash")
    .where("organisation_id", "=", state.assessment.organisation)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
  const seq = (prevOwn?.seq ?? 0) + 1;
  const document: SealDocument = {
    format: SEAL_FORMAT,
    event,
    seq,
    at: now,
    by,
    state,
    ...(origin ? { origin } : {}),
    ...(appeal ? { appeal } : {}),
  };
  const documentJson = canonicalJson(document as unknown as Json);
  const core: ReceiptCore = {
    format: RECEIPT_FORMAT,
    assessmentId,
    organisationId: state.assessment.organisation,
    seq,
    event,
    documentHash: sha256(documentJson),
    previousAssessmentSeal: prevOwn?.seal_hash ?? null,
    previousOrganisationSeal: prevOrg?.seal_hash ?? null,
    signedAt: now,
    signer: { name: by.name, email: by.email },
    keyId: key.keyId,
    verifyUrl: `${publicUrl()}/assessments/${assessmentId}/verify?seal=${seq}`,
    ...(origin ? { origin } : {}),
    ...(appeal ? { appeal } : {}),
  };
  const receipt: Receipt = { ...core, signature: signText(key, canonicalJson(core as unknown as Json)) };
  const row: Seal = {
    id: newId(),
    assessment_id: assessmentId,
    organisation_id: state.assessment.organisation,
    seq,
    event,
    document_json: documentJson,
    document_hash: core.documentHash,
    receipt_json: JSON.stringify(receipt),
    seal_hash: sealHashOf(core),
    prev_assessment_seal: core.previousAssessmentSeal,
    prev_organisation_seal: core.previousOrganisationSeal,
    key_id: key.keyId,
    created_by: actor.id,
    created_at: now,
  };
  await db.insertInto("seal").values(row).execute();
  await writeAudit(db, {
    actorUserId: actor.id,
    organisationId: state.assessment.organisation,
    action: "assessment.seal",
    entityType: "assessment",
    entityId: assessmentId,
    after: { seq, event, documentHash: core.documentHash, sealHash: row.seal_hash },
  });
  return row;
}

export async function listSeals(db: Db, assessmentId: string): Promise<Seal[]> {
  return db.selectFrom("seal").selectAll().where("assessment_id", "=", assessmentId).orderBy("seq").execute();
}

export interface ReceiptCheck {
  ok: boolean;
  problems: string[];
}

/** A receipt checked with a public key only (offline): its format, the key id and the signature. */
export function verifyReceipt(receipt: unknown, publicKey: KeyObject): ReceiptCheck {
  const problems: string[] = [];
  const r = receipt as Partial<Receipt> | null;
  if (!r || typeof r !== "object" || r.format !== RECEIPT_FORMAT || typeof r.signature !== "string") {
    return { ok: false, problems: [`not a ${RECEIPT_FORMAT} receipt`] };
  }
  if (r.keyId !== keyIdOf(publicKey))
    problems.push(`receipt was signed by key ${String(r.keyId)}, not by the given key ${keyIdOf(publicKey)}`);
  if (!verifyText(publicKey, canonicalJson(receiptCore(r as Receipt) as unknown as Json), r.signature))
    problems.push("signature does not match the receipt's content");
  return { ok: problems.length === 0, problems };
}

export interface VerifyReport {
  assessmentId: string;
  seals: {
    seq: number;
    event: string;
    at: string;
    sealHash: string;
    documentHash: string;
    signatureOk: boolean;
    chainOk: boolean;
    documentOk: boolean;
    /** As signed in the receipt: the workbook a historical final was imported from. */
    origin?: SealOrigin;
    /** As signed in the receipt: the accepted appeal an "appeal" seal records. */
    appeal?: SealAppeal;
  }[];
  /** The seal compared with the database now (the latest, or the one asked for). */
  checked: { seq: number; event: string; at: string } | null;
  mismatches: Mismatch[];
  /** In English, for `cermin verify`. */
  problems: string[];
  /** The same problems for a sentence in the reader's language (the verify page: `seal.problem.<code>`). */
  issues: SealIssue[];
  ok: boolean;
}

export interface SealIssue {
  code: "noSeal" | "signature" | "document" | "chain" | "noSuchSeal";
  seq?: number;
}

/**
 * Verifies an assessment's seals: each seal's signature, its document hash, the chain from seal to
 * seal (and each organisation link naming an existing seal), then compares the chosen seal's state
 * (default: the latest) with the state rebuilt from the database and the evidence store now.
 */
export async function verifyAssessment(db: Db, assessmentId: string, opts: { seq?: number; key?: SealKey } = {}): Promise<VerifyReport> {
  const key = opts.key ?? installationKey();
  const seals = await listSeals(db, assessmentId);
  const problems: string[] = [];
  const issues: SealIssue[] = [];
  const problem = (issue: SealIssue, text: string) => {
    issues.push(issue);
    problems.push(text);
  };
  if (seals.length === 0) problem({ code: "noSeal" }, "the assessment has no seal (it was never submitted)");
  let previous: string | null = null;
  const report: VerifyReport["seals"] = [];
  for (const s of seals) {
    const receipt = JSON.parse(s.receipt_json) as Receipt;
    const core = receiptCore(receipt);
    const signatureOk = verifyText(key.publicKey, canonicalJson(core as unknown as Json), receipt.signature) && receipt.keyId === key.keyId;
    const documentOk = sha256(s.document_json) === core.documentHash && core.documentHash === s.document_hash;
    let chainOk = core.previousAssessmentSeal === previous && sealHashOf(core) === s.seal_hash;
    if (core.previousOrganisationSeal) {
      const link = await db.selectFrom("seal").select("id").where("seal_hash", "=", core.previousOrganisationSeal).executeTakeFirst();
      if (!link) chainOk = false;
    }
    if (!signatureOk)
      problem({ code: "signature", seq: s.seq }, `seal ${s.seq}: the signature does not verify with this installation's key`);
    if (!documentOk)
      problem({ code: "document", seq: s.seq }, `seal ${s.seq}: the stored document does not hash to the signed document hash`);
    if (!chainOk) problem({ code: "chain", seq: s.seq }, `seal ${s.seq}: the hash chain is broken`);
    report.push({
      seq: s.seq,
      event: s.event,
      at: s.created_at,
      sealHash: s.seal_hash,
      documentHash: s.document_hash,
      signatureOk,
      chainOk,
      documentOk,
      ...(core.origin ? { origin: core.origin } : {}),
      ...(core.appeal ? { appeal: core.appeal } : {}),
    });
    previous = s.seal_hash;
  }
  const target = opts.seq === undefined ? seals[seals.length - 1] : seals.find((s) => s.seq === opts.seq);
  if (opts.seq !== undefined && !target) problem({ code: "noSuchSeal", seq: opts.seq }, `no seal ${opts.seq}`);
  let mismatches: Mismatch[] = [];
  if (target) {
    const sealed = (JSON.parse(target.document_json) as SealDocument).state;
    mismatches = compareStates(sealed, await buildState(db, assessmentId, { hashFiles: true, layers: Object.keys(sealed.layers) }));
  }
  return {
    assessmentId,
    seals: report,
    checked: target ? { seq: target.seq, event: target.event, at: target.created_at } : null,
    mismatches,
    problems,
    issues,
    ok: problems.length === 0 && mismatches.length === 0 && seals.length > 0,
  };
}
