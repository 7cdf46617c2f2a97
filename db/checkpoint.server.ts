import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type SQLite from "better-sqlite3";

/**
 * WAL checkpoints on a worker thread.
 *
 * better-sqlite3 is synchronous: with SQLite's automatic checkpoint, every ~1000 written pages one
 * commit also copies the WAL into the database file and fsyncs it, and the whole server waits
 * (autosave p99 rose from ~12 ms to ~100 ms at 500 saves/s on the benchmark machine). Here the
 * request connection stops checkpointing and a second connection on a worker thread runs a PASSIVE
 * checkpoint every `intervalMs`: it never blocks readers or writers, and once it has caught up the
 * next commit starts the WAL from the beginning again, so the file stays small. If the worker
 * fails, the request connection goes back to automatic checkpoints, so the WAL never grows unchecked.
 */
export interface BackgroundCheckpoints {
  /** Checkpoint runs so far and the last one's result. */
  readonly stats: { runs: number; last: CheckpointResult | null; failed: string | null };
  stop(): Promise<void>;
}

export interface CheckpointResult {
  busy: number;
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
  /** When this run started (ms since the epoch): it saw every commit made before then. */
  startedAt: number;
}

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
const timer = setInterval(() => {
  const startedAt = Date.now();
  const r = db.pragma("wal_checkpoint(PASSIVE)")[0];
  parentPort.postMessage({ busy: r.busy, log: r.log, checkpointed: r.checkpointed, startedAt });
}, workerData.intervalMs);
parentPort.on("message", (m) => {
  if (m !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export const AUTO_CHECKPOINT_PAGES = 1000;

export function checkpointInBackground(sqlite: SQLite.Database, file: string, intervalMs = 200): BackgroundCheckpoints {
  const stats: BackgroundCheckpoints["stats"] = { runs: 0, last: null, failed: null };
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, intervalMs } });
  worker.unref();
  let stopping = false;
  const fallBack = (why: string) => {
    if (stopping || stats.failed) return;
    stats.failed = why;
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    console.error(`SQLite background checkpoints stopped (${why}); checkpointing on commit again`);
  };
  worker.on("message", (m: CheckpointResult) => {
    stats.runs++;
    stats.last = m;
  });
  worker.on("error", (e) => fallBack(e instanceof Error ? e.message : String(e)));
  worker.on("exit", (code) => fallBack(`worker exited with code ${code}`));
  sqlite.pragma("wal_autocheckpoint = 0");
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    stats,
    async stop() {
      if (stopping) return exited;
      stopping = true;
      worker.postMessage("stop");
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
