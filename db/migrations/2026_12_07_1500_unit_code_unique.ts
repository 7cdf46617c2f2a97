import { sql, type Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Unit codes are unique per organisation (issue #27: a duplicate code was accepted with "Tersimpan").
// Codes are compared trimmed and case-insensitively. Existing duplicates (possible before this
// migration) keep the first unit's code (oldest first) and the later ones get " (duplikat N)"
// appended, so the index can be built and an administrator sees which to fix; nothing else changes.
export async function up(db: Kysely<any>): Promise<void> {
  const rows = await db
    .selectFrom("unit")
    .select(["id", "organisation_id", "code"])
    .where("code", "is not", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const seen = new Map<string, number>();
  for (const r of rows as Array<{ id: string; organisation_id: string; code: string }>) {
    const key = `${r.organisation_id} ${r.code.trim().toLowerCase()}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (n > 0) {
      const code = `${r.code} (duplikat ${n + 1})`;
      console.warn(`migration unit_code_unique: unit ${r.id} had a duplicate code "${r.code}"; now "${code}"`);
      await db.updateTable("unit").set({ code }).where("id", "=", r.id).execute();
    }
  }
  await sql`CREATE UNIQUE INDEX unit_org_code_unique ON unit (organisation_id, lower(trim(code))) WHERE code IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS unit_org_code_unique`.execute(db);
}
