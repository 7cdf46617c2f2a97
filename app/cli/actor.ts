import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { loadActor } from "~/auth/require.server";
import { UsageError } from "./io";

/** The actor named by --as, or the first system administrator (the CLI is an operator's tool). */
export async function actorFor(db: Db, email: string | boolean | undefined): Promise<Actor & { email: string }> {
  let q = db.selectFrom("user").selectAll().where("disabled_at", "is", null);
  q = typeof email === "string" ? q.where("email", "=", email.trim().toLowerCase()) : q.where("is_admin", "=", 1).orderBy("created_at");
  const user = await q.executeTakeFirst();
  if (!user)
    throw new UsageError(
      typeof email === "string" ? `no active user with e-mail ${email}` : "no system administrator: name the user with --as EMAIL",
    );
  return { ...(await loadActor(db, user)), email: user.email };
}
