/**
 * npm run bench:excel — the LKE workbook paths of issue #12, in-process on SQLite:
 *   1. export of one ZI assessment (the demo's 2024 Medan assessment: 113 items, TPI and TPN layers, evidence),
 *   2. import + preview of a filled copy of it (12 changed cells: parse, validate, diff, score before/after, store),
 *   3. bulk export of a 1,000-unit roll-out (`seedScale` 1000x5, the open period: 1,000 workbooks in one zip),
 *      run in a child process so its peak RSS is the export's alone, not the seeding's.
 * Targets: export p95 < 300 ms, import+preview p95 < 500 ms, bulk export peak RSS < 300 MB.
 *
 * Flags: --runs N (BENCH_RUNS, 30), --scale UNITSxPERIODS (BENCH_SCALE, 1000x5), --db FILE (reuse a
 * seeded scale database; with --keep the seeded one is kept and its path printed).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import ExcelJS from "exceljs";
import { createDb, type Db } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import type { Actor } from "~/auth/permissions";
import { lkeRows } from "~/domain/lke/layout";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { seedDemo } from "#db/seed/demo.server";
import { listRollout, writeRolloutZip } from "~/services/excel/bulk.server";
import { exportAssessmentWorkbook } from "~/services/excel/export.server";
import { previewImport } from "~/services/excel/import.server";
import { parseScale, seedScale } from "#db/seed/scale.server";
import { percentile } from "./lib/load";
import { assessmentsWithUnit } from "#db/queries/joins";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "30" },
    scale: { type: "string", default: process.env.BENCH_SCALE ?? "1000x5" },
    db: { type: "string" },
    keep: { type: "boolean", default: false },
    phase: { type: "string", default: "all" },
  },
});

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
function stats(xs: number[]): string {
  const sorted = Float64Array.from(xs).sort();
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms · p95 ${percentile(sorted, 95).toFixed(1)} ms · max ${sorted[sorted.length - 1]!.toFixed(1)} ms`;
}

async function single(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-bench-excel-"));
  process.env.DATA_DIR = dir;
  const db = createDb(`sqlite:${path.join(dir, "demo.db")}`);
  await migrateToLatest(db);
  await seedDemo(db);
  const admin = await db.selectFrom("user").select("id").where("is_admin", "=", 1).executeTakeFirstOrThrow();
  const actor: Actor = { id: admin.id, isAdmin: true, memberships: [] };
  const row = await assessmentsWithUnit(db)
    .select("a.id")
    .where("u.code", "=", "BP-MDN")
    .where("p.year", "=", 2024)
    .executeTakeFirstOrThrow();
  const runs = Number(args.runs);
  const exportMs: number[] = [];
  let buf: Buffer = Buffer.alloc(0);
  for (let i = 0; i < runs + 3; i++) {
    const t0 = process.hrtime.bigint();
    const ctx = await requireAssessment(db, actor, row.id);
    buf = await exportAssessmentWorkbook(db, actor, ctx, { origin: "https://cermin.example.go.id" });
    if (i >= 3) exportMs.push(ms(t0));
  }
  // A filled copy: 12 option items changed to their first option (the instrument decides which cells).
  const ctx0 = await requireAssessment(db, actor, row.id);
  const targets = lkeRows(ctx0.instrument)
    .flatMap((r) => (r.kind === "item" && r.item.options?.length ? [r] : []))
    .slice(0, 40)
    .filter((_, k) => k % 3 === 0);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Jawaban")!;
  ws.eachRow((r) => {
    const t = targets.find((x) => x.code === r.getCell(1).value);
    if (t) r.getCell(4).value = t.item.options![t.item.options!.length - 1]!.code.toLowerCase();
  });
  const filled = new Uint8Array(await wb.xlsx.writeBuffer());
  const previewMs: number[] = [];
  let changes = 0;
  for (let i = 0; i < runs + 3; i++) {
    const t0 = process.hrtime.bigint();
    const ctx = await requireAssessment(db, actor, row.id);
    const p = await previewImport(db, actor, ctx, { name: "terisi.xlsx", bytes: filled });
    if (i >= 3) previewMs.push(ms(t0));
    changes = p.changes.length;
  }
  console.log(`export of one ZI assessment (${buf.length} bytes, ${runs} runs): ${stats(exportMs)}  [target p95 < 300 ms]`);
  console.log(`import + preview of a filled copy (${changes} changes, ${runs} runs): ${stats(previewMs)}  [target p95 < 500 ms]`);
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The bulk export alone (child process): prints its time and peak RSS. */
async function bulk(file: string): Promise<void> {
  process.env.DATA_DIR = path.dirname(file);
  const db: Db = createDb(`sqlite:${file}`);
  const admin = await db.selectFrom("user").select("id").where("is_admin", "=", 1).executeTakeFirst();
  const actor: Actor = { id: admin?.id ?? "bench", isAdmin: true, memberships: [] };
  const period = await db
    .selectFrom("period")
    .select(["id", "year"])
    .where("status", "=", "open")
    .orderBy("year", "desc")
    .executeTakeFirstOrThrow();
  const rows = await listRollout(db, actor, period.id, "zi-2021");
  const out = path.join(path.dirname(file), "rollout.zip");
  const rss0 = process.memoryUsage().rss;
  let peak = process.memoryUsage().rss;
  let heap = 0;
  let external = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heap = Math.max(heap, m.heapUsed);
    external = Math.max(external, m.external + m.arrayBuffers);
  }, 20);
  const t0 = process.hrtime.bigint();
  const { files } = await writeRolloutZip(db, actor, rows, fs.createWriteStream(out), { origin: "https://cermin.example.go.id" });
  const took = ms(t0);
  clearInterval(sampler);
  const size = fs.statSync(out).size;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    `bulk export of a ${rows.length}-unit roll-out: ${files} workbooks, ${(size / 1048576).toFixed(1)} MiB zip in ${(took / 1000).toFixed(1)} s ` +
      `(${(took / files).toFixed(1)} ms per workbook); peak RSS ${(Math.max(peak, maxRss) / 1048576).toFixed(0)} MB  [target < 300 MB] ` +
      `(peak JS heap ${(heap / 1048576).toFixed(0)} MB, buffers ${(external / 1048576).toFixed(0)} MB; at start ${(rss0 / 1048576).toFixed(0)} MB)`,
  );
  fs.rmSync(out, { force: true });
  await db.destroy();
}

async function main() {
  if (args.phase === "bulk") return bulk(args.db!);
  console.log(
    `bench:excel · ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? "?"}) · load ${os.loadavg()[0]!.toFixed(2)} · ${new Date().toISOString()}`,
  );
  await single();
  let file = args.db ? path.resolve(args.db) : "";
  if (!file) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-bench-excel-scale-"));
    file = path.join(dir, "scale.db");
    process.env.DATA_DIR = dir;
    const scale = parseScale(args.scale!);
    if (!scale) throw new Error(`--scale must look like 1000x5, got ${args.scale}`);
    const db = createDb(`sqlite:${file}`);
    await migrateToLatest(db);
    process.stdout.write(`seeding ${scale.units}×${scale.periods} … `);
    const r = await seedScale(db, scale);
    console.log(`${(r.ms / 1000).toFixed(1)} s (${r.assessments} assessments)`);
    await db.destroy();
  }
  const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, "--phase", "bulk", "--db", file], {
    stdio: "inherit",
    env: process.env,
  });
  if (child.status !== 0) throw new Error(`bulk phase failed (exit ${child.status})`);
  if (!args.db && !args.keep) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  else console.log(`scale database kept: ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
