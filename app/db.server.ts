import { createDb, type Db } from "#db/client.server";

// One Kysely instance per process; tests swap in their own fresh database.
const holder = globalThis as unknown as { __cerminDb?: Db };

/** The server's database: an unreachable or restarting database answers 503 + Retry-After (db/unavailable.ts). */
export function getDb(): Db {
  holder.__cerminDb ??= createDb(process.env.DATABASE_URL, { backgroundCheckpoints: true, serving: true });
  return holder.__cerminDb;
}

export function setDb(db: Db | undefined): void {
  holder.__cerminDb = db;
}
