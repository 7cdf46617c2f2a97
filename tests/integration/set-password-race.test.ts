/** Issue #31: a set-password link used by several requests at once has exactly one winner. */
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { hashToken } from "~/auth/session.server";
import * as setPassword from "~/routes/set-password.$token";
import { freshDb } from "../helpers/db";
import { makeOrg, makeUser } from "../helpers/factories";
import { callAction } from "../helpers/remix";

let db: Db;
let orgId: string;
beforeAll(async () => {
  db = await freshDb();
  orgId = (await makeOrg(db)).id;
});

test("concurrent set-password posts with one link: exactly one succeeds", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId, password: null });
  const token = "tautan-serentak-" + u.id;
  await db
    .insertInto("password_token")
    .values({ id: hashToken(token), user_id: u.id, purpose: "set_password", created_by: null, created_at: new Date().toISOString(), expires_at: new Date(Date.now() + 3600_000).toISOString(), used_at: null })
    .execute();
  const post = (password: string) => callAction(setPassword, { path: `/set-password/${token}`, params: { token }, form: { password, confirm: password } });
  const outs = await Promise.all([post("kata-sandi-pertama-a"), post("kata-sandi-pertama-b"), post("kata-sandi-pertama-c")]);
  expect(outs.map((o) => o.status).sort()).toEqual([302, 410, 410]);
  const audits = await db.selectFrom("audit_log").select("id").where("entity_id", "=", u.id).where("action", "=", "user.password_set").execute();
  expect(audits).toHaveLength(1);
});
