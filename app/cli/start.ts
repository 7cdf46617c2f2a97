import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { dataDir, resolveDbTarget } from "#db/client.server";
import { getSessionSecret } from "~/auth/secret.server";
import { seedDemoIfEmpty } from "./db-commands";
import type { CliIo } from "./io";
import { createServer } from "./server";

const ROOT = process.env.CERMIN_ROOT ?? process.cwd();
const BUILD_DIR = path.join(ROOT, "build");
const SOURCES = ["app", "db", "vite.config.ts", "package.json"];

function newestMtime(p: string): number {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** The production build under `root`: missing, older than a source file, or fresh. */
export function buildState(root = ROOT): "missing" | "stale" | "fresh" {
  const built = fs.statSync(path.join(root, "build", "server", "index.js"), { throwIfNoEntry: false });
  if (!built) return "missing";
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built.mtimeMs) ? "stale" : "fresh";
}

/** True when there is no production build or a source file is newer than it. */
export function buildIsStale(): boolean {
  return buildState() !== "fresh";
}

export function runBuild(io: CliIo): void {
  io.out("Building the app (remix vite:build)…");
  const bin = path.join(ROOT, "node_modules", ".bin", "remix");
  const r = spawnSync(bin, ["vite:build"], { stdio: ["ignore", "ignore", "inherit"], env: process.env });
  if (r.status !== 0) throw new Error(`build failed (exit ${r.status})`);
}

/** `npm start`: build if needed, migrate, seed the demo into an empty database, serve. */
export async function start(io: CliIo, { build = true, seed = true } = {}): Promise<number> {
  const started = Date.now();
  process.env.SESSION_SECRET ||= getSessionSecret();
  if (build && buildIsStale()) runBuild(io);
  if (seed) await seedDemoIfEmpty(io);
  const app = await createServer({ buildDir: BUILD_DIR });
  const port = Number(process.env.PORT || 3000);
  const host = process.env.HOST || "127.0.0.1";
  const server = app.listen(port, host, () => {
    const shown = host === "0.0.0.0" || host === "127.0.0.1" ? "localhost" : host;
    const target = resolveDbTarget();
    io.out(`Cermin is running at http://${shown}:${port} (ready in ${Date.now() - started} ms)`);
    io.out(`Database: ${target.kind === "sqlite" ? target.file : "PostgreSQL (DATABASE_URL)"}`);
    const logins = path.join(dataDir(), "demo-logins.txt");
    if (fs.existsSync(logins)) io.out(`Demo logins: ${logins}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return new Promise<number>((resolve) => server.on("close", () => resolve(0)));
}
