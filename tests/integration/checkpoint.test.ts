import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AUTO_CHECKPOINT_PAGES, checkpointInBackground } from "#db/checkpoint.server";
import { createDb } from "#db/client.server";

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("WAL checkpoints on a worker thread", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-ckpt-"));
    file = path.join(dir, "t.db");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("turns commit-time checkpoints off, catches up in the background, and the WAL starts over", async () => {
    const raw = new SQLite(file);
    raw.pragma("journal_mode = WAL");
    raw.exec("create table t (n integer, pad text)");
    const ckpt = checkpointInBackground(raw, file, 20);
    expect(raw.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    const insert = raw.prepare("insert into t (n, pad) values (?, ?)");
    for (let i = 0; i < 3000; i++) insert.run(i, "x".repeat(200)); // thousands of WAL frames, one commit each
    const written = Date.now();
    // A run that started after the last commit saw every frame (results of runs during the loop do not count).
    await until(() => {
      const last = ckpt.stats.last;
      return last !== null && last.startedAt > written && last.log > 0 && last.log === last.checkpointed;
    });
    expect(ckpt.stats.failed).toBeNull();
    insert.run(-1, "after");
    // The worker copied every frame, so this commit wrote from the start of the WAL again.
    const [frames] = raw.pragma("wal_checkpoint(NOOP)") as { log: number }[];
    expect(frames!.log).toBeLessThan(10);
    await ckpt.stop();
    expect(raw.prepare("select count(*) as n from t").get()).toEqual({ n: 3001 });
    raw.close();
  });

  it("goes back to commit-time checkpoints when the worker fails", async () => {
    const raw = new SQLite(file);
    raw.pragma("journal_mode = WAL");
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const ckpt = checkpointInBackground(raw, path.join(dir, "missing", "nothing.db"), 20);
    await until(() => ckpt.stats.failed !== null);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/background checkpoints stopped .*checkpointing on commit again/));
    expect(raw.pragma("wal_autocheckpoint", { simple: true })).toBe(AUTO_CHECKPOINT_PAGES);
    await ckpt.stop();
    raw.close();
  });

  it("is what createDb sets up when asked, and destroy() stops it", async () => {
    const db = createDb(`sqlite:${file}`, { backgroundCheckpoints: true });
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
    expect(rows[0]?.wal_autocheckpoint).toBe(0);
    await db.destroy();
    const plain = createDb(`sqlite:${file}`);
    const again = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(plain);
    expect(again.rows[0]?.wal_autocheckpoint).toBe(AUTO_CHECKPOINT_PAGES);
    await plain.destroy();
  });
});
