import { type Kysely, PostgresAdapter, sql } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// The audit log is append-only in the database itself, not only by convention (writeAudit only inserts):
// UPDATE and DELETE on audit_log are refused on both engines, and TRUNCATE on PostgreSQL (SQLite has
// none; its DROP TABLE removes the triggers first, so the foundation migration's down still works).
// A trigger is no defence against someone who can drop it; it stops application bugs and casual edits.
// The only migration that needs the dialect: triggers are not portable SQL.

const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
      END
      $$`.execute(db);
    await sql`
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
    await sql`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(db);
    return;
  }
  await sql`
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE is not allowed'); END`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE is not allowed'); END`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`DROP TRIGGER audit_log_no_truncate ON audit_log`.execute(db);
    await sql`DROP TRIGGER audit_log_no_update_delete ON audit_log`.execute(db);
    await sql`DROP FUNCTION audit_log_append_only()`.execute(db);
    return;
  }
  await sql`DROP TRIGGER audit_log_no_delete`.execute(db);
  await sql`DROP TRIGGER audit_log_no_update`.execute(db);
}
