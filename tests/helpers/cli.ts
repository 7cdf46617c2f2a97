import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { main } from "~/cli/main";

/** Runs `cermin <args>` in this process (the environment as it is now) and collects what it printed. */
export async function runMain(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/**
 * Gives the file's CLI runs a fresh DATA_DIR on embedded SQLite (DATABASE_URL unset) for all its
 * tests, and restores the environment and removes the folder afterwards. Returns the folder's path
 * once `beforeAll` has run.
 */
export function cliDataDir(prefix: string): () => string {
  let dir = "";
  const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    process.env.DATA_DIR = dir;
    delete process.env.DATABASE_URL;
  });
  afterAll(() => {
    process.env.DATA_DIR = saved.DATA_DIR;
    if (saved.DATABASE_URL) process.env.DATABASE_URL = saved.DATABASE_URL;
    if (!saved.DATA_DIR) delete process.env.DATA_DIR;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}
