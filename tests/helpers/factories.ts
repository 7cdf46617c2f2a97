import type { Db } from "#db/client.server";
import type { MembershipRole, OrganisationKind } from "#db/schema";
import { insertPeriod } from "#db/seed/period";
import { hashPassword } from "~/auth/password.server";
import { createSession } from "~/auth/session.server";
import { newId } from "~/utils/ids";
import { cookieFrom, makeRequest } from "./remix";

export const TEST_PASSWORD = "kata-sandi-uji-123";
let cachedHash: Promise<string> | undefined;

export async function makeOrg(db: Db, name = `Instansi ${newId().slice(0, 6)}`, kind: OrganisationKind = "kementerian_lembaga") {
  const id = newId();
  await db.insertInto("organisation").values({ id, name, kind, code: null, archived_at: null, created_at: new Date().toISOString() }).execute();
  return { id, name };
}

export async function makeUnit(db: Db, organisationId: string, parent: { id: string; path: string } | null = null, name = `Unit ${newId().slice(0, 6)}`) {
  const id = newId();
  const path = `${parent?.path ?? "/"}${id}/`;
  await db
    .insertInto("unit")
    .values({ id, organisation_id: organisationId, parent_id: parent?.id ?? null, path, name, kind: "satker", code: null, archived_at: null, created_at: new Date().toISOString() })
    .execute();
  return { id, path, name };
}

/** An open assessment period of `organisationId` for `year` (named "Periode <year>", no stage windows unless given). */
export async function makePeriod(
  db: Db,
  organisationId: string,
  year: number,
  opts: { id?: string; name?: string; fill_end?: string | null; review_end?: string | null } = {},
): Promise<string> {
  return insertPeriod(db, { id: opts.id, organisationId, year, name: opts.name, windows: { fill_end: opts.fill_end, review_end: opts.review_end } });
}

export async function makeUser(
  db: Db,
  opts: { role?: MembershipRole | "admin"; organisationId?: string; unitId?: string | null; email?: string; password?: string | null } = {},
) {
  const id = newId();
  const email = opts.email ?? `u-${id.slice(0, 8)}@test.local`;
  let hash: string | null = null;
  if (opts.password !== null) {
    if (opts.password) hash = await hashPassword(opts.password);
    else hash = await (cachedHash ??= hashPassword(TEST_PASSWORD));
  }
  await db
    .insertInto("user")
    .values({ id, email, name: `User ${id.slice(0, 4)}`, password_hash: hash, is_admin: opts.role === "admin" ? 1 : 0, locale: null, disabled_at: null, password_changed_at: null, created_at: new Date().toISOString() })
    .execute();
  if (opts.role && opts.role !== "admin") {
    if (!opts.organisationId) throw new Error("makeUser: a membership role needs organisationId");
    await db
      .insertInto("membership")
      .values({ id: newId(), user_id: id, organisation_id: opts.organisationId, unit_id: opts.unitId ?? null, role: opts.role, created_at: new Date().toISOString() })
      .execute();
  }
  return { id, email };
}

/** A Cookie header for a fresh session of the user. */
export async function sessionCookie(db: Db, userId: string): Promise<string> {
  const setCookie = await createSession(db, userId, makeRequest({ path: "/" }), "127.0.0.1");
  return cookieFrom(setCookie)!;
}

/** A link evidence row attached to one item, written straight to the tables (no permission checks): the state the workbench leaves. */
export async function insertLinkEvidence(
  db: Db,
  opts: { id?: string; assessmentId: string; itemId: string; url: string; name: string; at: string },
): Promise<string> {
  const id = opts.id ?? newId();
  await db
    .insertInto("evidence")
    .values({
      id,
      assessment_id: opts.assessmentId,
      kind: "link",
      blob_sha256: null,
      url: opts.url,
      name: opts.name,
      mime: null,
      size: null,
      evidence_date: null,
      uploaded_by: null,
      created_at: opts.at,
      removed_at: null,
      removed_by: null,
    })
    .execute();
  await db
    .insertInto("evidence_item")
    .values({ id: newId(), evidence_id: id, assessment_id: opts.assessmentId, item_id: opts.itemId, created_at: opts.at, created_by: null, removed_at: null })
    .execute();
  return id;
}
