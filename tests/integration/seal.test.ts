/**
 * Issue #14, acceptance 3: sealed submissions. Submitting seals the assessment; an untouched
 * assessment verifies; changing one answer value, one note, one evidence file's bytes, or deleting
 * one evidence row makes verification fail naming exactly that item or file; a receipt verifies
 * offline with the public key and fails with one byte changed; a reopen starts a chained new seal.
 */
import fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import type { Receipt, SealDocument } from "~/domain/seal/document";
import * as receiptRoute from "~/routes/assessments.$id.receipt";
import { callLoader } from "../helpers/remix";
import { saveAnswer } from "~/services/workbench/answers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { addLinkEvidence } from "~/services/evidence/evidence.server";
import { blobPath } from "~/services/evidence/store.server";
import { installationKey, parsePublicKey } from "~/services/seal/keys.server";
import { listSeals, verifyAssessment, verifyReceipt } from "~/services/seal/seal.server";
import { finaliseAssessment, reopenAssessment, submitAssessment } from "~/services/workbench/workflow.server";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
let assessor: Actor;
let coordinator: Actor;
const system = (): Actor => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });

beforeAll(async () => {
  ({ db, w } = await freshWorld());
  assessor = {
    id: w.users.assessor.id,
    isAdmin: false,
    memberships: [{ organisationId: w.ministry.id, unitId: w.service.id, unitPath: w.service.path, role: "assessor" }],
  };
  coordinator = {
    id: w.users.coordinator.id,
    isAdmin: false,
    memberships: [{ organisationId: w.ministry.id, unitId: w.eselon1.id, unitPath: w.eselon1.path, role: "coordinator" }],
  };
  const ctx = await requireAssessment(db, system(), w.assessmentId);
  await saveAnswer(db, assessor, ctx, { itemId: "A.I.1.i.a", baseVersion: 0, value: "Ya", note: "SK Tim ZI ditandatangani Januari" });
  await saveAnswer(db, assessor, ctx, { itemId: "A.I.1.i.b", baseVersion: 0, value: "B", note: null });
  await addLinkEvidence(db, assessor, w.assessmentId, "A.I.1.i.b", {
    url: "https://zi.uji.test/notulen",
    name: "Notulen rapat tim",
    evidenceDate: null,
  });
  await submitAssessment(db, assessor, await requireAssessment(db, system(), w.assessmentId), null);
});

const verify = () => verifyAssessment(db, w.assessmentId);

describe("sealing and verifying", () => {
  it("submitting seals the assessment once; untouched, it verifies", async () => {
    const seals = await listSeals(db, w.assessmentId);
    expect(seals.map((s) => [s.seq, s.event])).toEqual([[1, "submit"]]);
    const report = await verify();
    expect(report.problems).toEqual([]);
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("the receipt page states the sealed score and completeness, and links back to the assessment", async () => {
    const page = await callLoader(receiptRoute, {
      path: `/assessments/${w.assessmentId}/receipt`,
      params: { id: w.assessmentId },
      cookie: w.cookies.assessor,
    });
    const d = page.data as { sealed: { total: number; predicate: string | null; answered: number; itemCount: number } };
    const seal = (await listSeals(db, w.assessmentId))[0]!;
    const state = (JSON.parse(seal.document_json) as SealDocument).state;
    expect(d.sealed).toEqual({ total: state.score.total, predicate: state.score.predicate, answered: 2, itemCount: 113 });
  });

  it("names the item whose value or note changed in the database", async () => {
    const row = () =>
      db
        .selectFrom("answer")
        .select(["value_json", "note"])
        .where("assessment_id", "=", w.assessmentId)
        .where("item_id", "=", "A.I.1.i.b")
        .where("layer", "=", "self");
    const original = await row().executeTakeFirstOrThrow();
    await db
      .updateTable("answer")
      .set({ value_json: '"A"' })
      .where("assessment_id", "=", w.assessmentId)
      .where("item_id", "=", "A.I.1.i.b")
      .execute();
    let report = await verify();
    expect(report.ok).toBe(false);
    expect(report.mismatches.filter((m) => m.kind === "answer")).toEqual([
      { kind: "answer", at: "A.I.1.i.b", layer: "self", message: 'value "B" → "A"', what: "value", before: "B", after: "A" },
    ]);
    await db
      .updateTable("answer")
      .set({ value_json: original.value_json, note: "ditambah kemudian" })
      .where("assessment_id", "=", w.assessmentId)
      .where("item_id", "=", "A.I.1.i.b")
      .execute();
    report = await verify();
    expect(report.mismatches).toEqual([
      {
        kind: "answer",
        at: "A.I.1.i.b",
        layer: "self",
        message: 'note changed: null → "ditambah kemudian"',
        what: "note",
        before: null,
        after: "ditambah kemudian",
      },
    ]);
    await db
      .updateTable("answer")
      .set({ note: original.note })
      .where("assessment_id", "=", w.assessmentId)
      .where("item_id", "=", "A.I.1.i.b")
      .execute();
    expect((await verify()).ok).toBe(true);
  });

  it("names the file whose bytes changed in the evidence store", async () => {
    const file = await db.selectFrom("evidence").select(["blob_sha256", "name"]).where("id", "=", w.evidenceId).executeTakeFirstOrThrow();
    const p = blobPath(file.blob_sha256!);
    const bytes = fs.readFileSync(p);
    fs.chmodSync(p, 0o644);
    const changed = Buffer.from(bytes);
    changed[changed.length - 2] = (changed[changed.length - 2]! + 1) % 256;
    fs.writeFileSync(p, changed);
    try {
      const report = await verify();
      expect(report.ok).toBe(false);
      expect(report.mismatches).toHaveLength(1);
      expect(report.mismatches[0]).toMatchObject({ kind: "evidence", at: file.name });
      expect(report.mismatches[0]!.message).toMatch(/content changed/);
    } finally {
      fs.writeFileSync(p, bytes);
    }
    expect((await verify()).ok).toBe(true);
  });

  it("names the evidence row deleted from the database", async () => {
    const link = await db
      .selectFrom("evidence")
      .selectAll()
      .where("assessment_id", "=", w.assessmentId)
      .where("kind", "=", "link")
      .executeTakeFirstOrThrow();
    const items = await db.selectFrom("evidence_item").selectAll().where("evidence_id", "=", link.id).execute();
    await db.deleteFrom("evidence_item").where("evidence_id", "=", link.id).execute();
    await db.deleteFrom("evidence").where("id", "=", link.id).execute();
    const report = await verify();
    expect(report.mismatches).toEqual([
      {
        kind: "evidence",
        at: "Notulen rapat tim",
        message: `evidence link "Notulen rapat tim" (${link.id}) removed`,
        what: "evidenceRemoved",
      },
    ]);
    await db.insertInto("evidence").values(link).execute();
    await db.insertInto("evidence_item").values(items).execute();
    expect((await verify()).ok).toBe(true);
  });

  it("detects a forged signature or a broken chain in the seal table itself", async () => {
    const [seal] = await listSeals(db, w.assessmentId);
    const receipt = JSON.parse(seal!.receipt_json) as Receipt;
    const forged = { ...receipt, documentHash: "0".repeat(64) };
    await db
      .updateTable("seal")
      .set({ receipt_json: JSON.stringify(forged) })
      .where("id", "=", seal!.id)
      .execute();
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.problems.join("\n")).toMatch(/seal 1: the signature does not verify/);
    await db.updateTable("seal").set({ receipt_json: seal!.receipt_json }).where("id", "=", seal!.id).execute();
    expect((await verify()).ok).toBe(true);
  });
});

describe("receipts offline", () => {
  it("verify with the public key alone and fail with one byte changed", async () => {
    const [seal] = await listSeals(db, w.assessmentId);
    const text = seal!.receipt_json;
    const key = parsePublicKey(installationKey().publicPem)!;
    expect(verifyReceipt(JSON.parse(text), key)).toEqual({ ok: true, problems: [] });
    // One byte of the receipt changed: a digit of the document hash, then one of the signature.
    const hashAt = text.indexOf('"documentHash":"') + 16;
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "a" ? "b" : "a") + s.slice(i + 1);
    expect(verifyReceipt(JSON.parse(flip(text, hashAt)), key).ok).toBe(false);
    const sigAt = text.indexOf('"signature":"') + 14;
    expect(verifyReceipt(JSON.parse(flip(text, sigAt)), key).ok).toBe(false);
    // Another installation's key does not verify it.
    const { generateKeyPairSync } = await import("node:crypto");
    const other = generateKeyPairSync("ed25519").publicKey;
    expect(verifyReceipt(JSON.parse(text), other).problems[0]).toMatch(/signed by key/);
  });
});

describe("finalise and reopen", () => {
  it("each starts a new seal chained to the previous one; nothing is overwritten", async () => {
    await finaliseAssessment(db, coordinator, await requireAssessment(db, system(), w.assessmentId), null);
    await reopenAssessment(db, system(), await requireAssessment(db, system(), w.assessmentId), "Koreksi data dukung");
    await finaliseAssessment(db, coordinator, await requireAssessment(db, system(), w.assessmentId), null);
    const seals = await listSeals(db, w.assessmentId);
    expect(seals.map((s) => [s.seq, s.event])).toEqual([
      [1, "submit"],
      [2, "finalise"],
      [3, "finalise"],
    ]);
    expect(seals[1]!.prev_assessment_seal).toBe(seals[0]!.seal_hash);
    expect(seals[2]!.prev_assessment_seal).toBe(seals[1]!.seal_hash);
    const report = await verify();
    expect(report.seals.every((s) => s.signatureOk && s.chainOk && s.documentOk)).toBe(true);
    expect(report.ok).toBe(true);
  });
});
