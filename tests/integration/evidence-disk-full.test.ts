import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import type { Db } from "#db/client.server";
import * as evidenceRoute from "~/routes/assessments.$id.evidence";
import * as answersRoute from "~/routes/assessments.$id.answers";
import { freshDb } from "../helpers/db";
import { callAction } from "../helpers/remix";
import { buildWorld, type World } from "../helpers/world";
import * as f from "../fixtures/evidence/files";

// A real full disk: DATA_DIR/evidence is a 1 MiB tmpfs (mounting needs root, which CI and this
// machine have; elsewhere the test is skipped and says why).
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-diskfull-"));
const evidenceDir = path.join(dataDir, "evidence");
let mounted = false;
try {
  fs.mkdirSync(evidenceDir, { recursive: true });
  if (process.getuid?.() === 0) {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", evidenceDir], { stdio: "ignore" });
    mounted = true;
  }
} catch {
  mounted = false;
}
process.env.DATA_DIR = dataDir;

let db: Db;
let w: World;

beforeAll(async () => {
  if (!mounted) return;
  db = await freshDb();
  w = await buildWorld(db);
});

afterAll(() => {
  if (mounted) execFileSync("umount", [evidenceDir]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const upload = (bytes: Uint8Array, name: string) => {
  const fd = new FormData();
  fd.append("intent", "upload");
  fd.append("itemId", "A.I.1.i.b");
  fd.append("file", new File([new Uint8Array(bytes)], name, { type: "application/pdf" }));
  return callAction(evidenceRoute, {
    path: `/assessments/${w.assessmentId}/evidence`,
    params: { id: w.assessmentId },
    cookie: w.cookies.assessor,
    form: fd,
  });
};

test.skipIf(!mounted)("a full evidence store: a readable 507, nothing half-written, no row, and answers still save", async () => {
  const before = await db.selectFrom("evidence").select("id").execute();
  // The upload streams into DATA_DIR/evidence/.tmp-… and runs out of space part-way; the server logs
  // the full store once (for the operator): expected here.
  const log = vi.spyOn(console, "error").mockImplementation(() => {});
  const big = f.pdf("x".repeat(1_400_000));
  const res = await upload(big, "laporan-besar.pdf");
  expect(res.status).toBe(507);
  expect(log.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringContaining("Evidence store full (ENOSPC)")]);
  log.mockRestore();
  expect(res.data).toMatchObject({
    ok: false,
    formError: "evidence.storageFull",
    formParams: { name: "laporan-besar.pdf" },
    fieldErrors: { file: "evidence.storageFull" },
    values: { intent: "upload", itemId: "A.I.1.i.b" },
  });
  expect(fs.readdirSync(evidenceDir).filter((n) => n !== "lost+found" && !/^[0-9a-f]{64}$/.test(n))).toEqual([]);
  expect((await db.selectFrom("evidence").select("id").execute()).length).toBe(before.length);
  const save = await callAction(answersRoute, {
    path: `/assessments/${w.assessmentId}/answers`,
    params: { id: w.assessmentId },
    cookie: w.cookies.assessor,
    form: { itemId: "A.I.1.i.b", baseVersion: "0", value: "A" },
  });
  expect(save.status).toBe(200);
  // Space again: the same upload in a smaller size goes through.
  expect((await upload(f.pdf("kecil"), "laporan-kecil.pdf")).status).toBe(200);
});
