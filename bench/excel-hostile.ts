/**
 * npm run bench:excel-hostile — hostile uploads of issue #26, in-process:
 *   1. refusing the 3.4-million-empty-cell workbook (`openWorkbook`, the upload path),
 *   2. refusing the bulk zip bomb (~400 MiB of "workbooks" packed in ~400 KiB; `previewBulkImport`),
 *      each in a child process of its own, so its peak RSS is the refusal's alone: time, peak RSS
 *      and peak heap above what the process held before,
 *   3. /healthz latency while four hostile uploads are vetted at once, over and over: a /healthz
 *      stand-in (an HTTP server in this process answering 200) polled every 10 ms from a child
 *      process, plus the event loop's own delay (perf_hooks.monitorEventLoopDelay). Not against a
 *      running Cermin server: logging in and posting the upload form is not needed to see whether
 *      the vetting holds the event loop, which is what would slow /healthz there.
 *   --baseline also does what Cermin did before #26: ExcelJS loads the 3.4M-cell file (~600 MiB,
 *   seconds), and the bulk bomb is inflated whole (readZip, ~400 MiB).
 *
 * Flags: --seconds N (the concurrent phase, 10), --baseline.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import ExcelJS from "exceljs";
import { previewBulkImport } from "~/services/excel/bulk.server";
import { LkeError, openWorkbook } from "~/services/excel/read.server";
import { readZip } from "~/services/excel/zip.server";
import type { Db } from "#db/client.server";
import { bulkBomb, emptyCellsWorkbook } from "../tests/helpers/hostile-xlsx";
import { percentile } from "./lib/load";

const { values: args } = parseArgs({
  options: {
    phase: { type: "string", default: "all" },
    file: { type: "string" },
    url: { type: "string" },
    seconds: { type: "string", default: "10" },
    baseline: { type: "boolean", default: false },
  },
});

const MiB = 1024 * 1024;
const mib = (n: number) => `${(n / MiB).toFixed(0)} MiB`;
const stats = (xs: number[]) => {
  const s = Float64Array.from(xs).sort();
  return `p50 ${percentile(s, 50).toFixed(1)} ms · p95 ${percentile(s, 95).toFixed(1)} ms · max ${s[s.length - 1]!.toFixed(1)} ms (n=${s.length})`;
};

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "(accepted)";
  } catch (e) {
    if (e instanceof LkeError) return e.message;
    throw e;
  }
}

/** Child: one refusal, with its time and peaks above the process's own baseline. */
async function measured(kind: string, file: string): Promise<void> {
  const bytes = fs.readFileSync(file);
  (globalThis as { gc?: () => void }).gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  let heapPeak = heap0;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 2);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  await new Promise((r) => setTimeout(r, 20)); // the monitor's first tick, its reference
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let message: string;
  if (kind === "cells") message = await refusal(openWorkbook(bytes, "kosong.xlsx"));
  else if (kind === "bulk") message = await refusal(previewBulkImport({} as Db, { id: "bench", isAdmin: true, memberships: [] }, bytes));
  else if (kind === "bulk-baseline") {
    const entries = readZip(bytes, { entryBytes: 20 * MiB, totalBytes: 512 * MiB, entries: 5000 }, (n) => n.endsWith(".xlsx"));
    message = `readZip inflated ${entries.length} entries, ${mib(entries.reduce((n, e) => n + e.data.length, 0))}, at once`;
  } else {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    message = `ExcelJS loaded ${wb.worksheets.length} sheets, rowCount ${wb.worksheets.map((w) => w.rowCount).join("/")}`;
  }
  const took = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // One more turn of the loop, so that a stall at the very end (a synchronous call) is recorded.
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(sampler);
  loop.disable();
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      took,
      loopMax: loop.max / 1e6,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssDelta: maxRss - rss0,
      heapDelta: heapPeak - heap0,
      message: message.slice(0, 240),
    }),
  );
}

function child(
  kind: string,
  file: string,
): { took: number; loopMax: number; cpuMs: number; rssDelta: number; heapDelta: number; message: string } {
  const r = spawnSync(process.execPath, [...process.execArgv, "--expose-gc", process.argv[1]!, "--phase", kind, "--file", file], {
    encoding: "utf8",
    maxBuffer: 16 * MiB,
  });
  if (r.status !== 0) throw new Error(`phase ${kind} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

/** Child: polls the /healthz stand-in every 10 ms until stopped, then prints the latencies. */
async function poller(url: string): Promise<void> {
  const lat: number[] = [];
  let stop = false;
  process.on("SIGTERM", () => (stop = true));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  while (!stop) {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      http
        .get(url, { agent }, (res) => {
          res.resume();
          res.on("end", resolve);
        })
        .on("error", reject);
    });
    lat.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 10));
  }
  console.log(JSON.stringify(lat));
  process.exit(0);
}

/** /healthz latency and event-loop delay for `seconds`, while `load` runs (or nothing). */
async function healthWhile(
  seconds: number,
  load: ((until: number) => Promise<number>) | null,
): Promise<{ health: number[]; loopMax: number; loopP99: number; done: number }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  const p = spawn(process.execPath, [...process.execArgv, process.argv[1]!, "--phase", "poll", "--url", url], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  p.stdout.on("data", (b: Buffer) => (out += b.toString()));
  const closed = new Promise<void>((r) => p.on("close", () => r()));
  await new Promise((r) => setTimeout(r, 1500)); // the poller's tsx start-up
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await new Promise((r) => setTimeout(r, 20));
  const until = Date.now() + seconds * 1000;
  const done = load ? await load(until) : (await new Promise((r) => setTimeout(r, seconds * 1000)), 0);
  h.disable();
  p.kill("SIGTERM");
  await closed;
  server.close();
  const health = (JSON.parse(out) as number[]).slice(3);
  return { health, loopMax: h.max / 1e6, loopP99: h.percentile(99) / 1e6, done };
}

async function main(): Promise<void> {
  if (args.phase === "poll") return poller(args.url!);
  if (args.phase !== "all") return measured(args.phase!, args.file!);

  console.log(`bench:excel-hostile — ${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-bench-hostile-"));
  try {
    let t0 = performance.now();
    const cells = await emptyCellsWorkbook();
    console.log(
      `3.4M-empty-cell workbook: ${(cells.length / MiB).toFixed(1)} MiB packed, generated in ${(performance.now() - t0).toFixed(0)} ms`,
    );
    t0 = performance.now();
    const bomb = await bulkBomb();
    console.log(
      `bulk zip bomb: ${(bomb.length / 1024).toFixed(0)} KiB packed, 20 × 20 MiB unpacked, generated in ${(performance.now() - t0).toFixed(0)} ms`,
    );
    const cellsFile = path.join(dir, "cells.xlsx");
    const bombFile = path.join(dir, "bomb.zip");
    fs.writeFileSync(cellsFile, cells);
    fs.writeFileSync(bombFile, bomb);

    for (const [label, kind, file] of [
      ["refuse 3.4M empty cells (openWorkbook)", "cells", cellsFile],
      ["refuse bulk bomb (previewBulkImport)", "bulk", bombFile],
      ...(args.baseline
        ? [
            ["before #26: ExcelJS loads the 3.4M-cell file", "baseline", cellsFile],
            ["before #26: the bulk bomb inflated at once (readZip)", "bulk-baseline", bombFile],
          ]
        : []),
    ] as const) {
      const runs = kind.endsWith("baseline") ? 1 : 5;
      const rs = Array.from({ length: runs }, () => child(kind, file));
      const best = rs.map((r) => r.took).sort((a, b) => a - b);
      const r = rs[rs.length - 1]!;
      console.log(
        `${label}: ${best.map((t) => t.toFixed(0)).join(" / ")} ms over ${runs} fresh processes · CPU ${r.cpuMs.toFixed(0)} ms · longest event-loop stall ${r.loopMax.toFixed(0)} ms · peak RSS +${mib(r.rssDelta)} · peak heap +${mib(r.heapDelta)}`,
      );
      console.log(`  → ${r.message.split("\n")[0]}`);
    }

    const seconds = Number(args.seconds);
    const idle = await healthWhile(seconds, null);
    console.log(
      `/healthz stand-in, idle: ${stats(idle.health)} · event loop delay p99 ${idle.loopP99.toFixed(1)} ms, max ${idle.loopMax.toFixed(1)} ms`,
    );
    const busy = await healthWhile(seconds, async (until) => {
      let done = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (Date.now() < until) {
            await refusal(openWorkbook(cells, "kosong.xlsx"));
            done++;
          }
        }),
      );
      return done;
    });
    console.log(
      `/healthz stand-in, 4 hostile uploads vetted at once for ${seconds} s (${busy.done} refusals): ${stats(busy.health)} · event loop delay p99 ${busy.loopP99.toFixed(1)} ms, max ${busy.loopMax.toFixed(1)} ms`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
