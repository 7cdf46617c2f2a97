import { sql } from "kysely";
import { dbUnavailableHeaders } from "#db/unavailable";
import { getDb } from "~/db.server";

/** Liveness and database reachability, for load balancers. No data, no auth. */
export async function loader() {
  try {
    await sql`select 1`.execute(getDb());
    return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return Response.json({ status: "error", db: "unreachable" }, { status: 503, headers: dbUnavailableHeaders() });
  }
}

/**
 * A bare action (no auth, no database): the baseline the autosave benchmark compares against, and a
 * liveness probe for balancers that only send POST.
 */
export async function action() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
