/** Unique-constraint violations on both engines (SQLite's code, PostgreSQL's SQLSTATE). */
export const isUniqueViolation = (e: unknown): boolean =>
  typeof e === "object" &&
  e !== null &&
  ["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY", "23505"].includes(String((e as { code?: unknown }).code));
