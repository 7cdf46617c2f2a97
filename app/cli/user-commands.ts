import { createDb } from "#db/client.server";
import { type MembershipRole, ROLES } from "#db/schema";
import { migrateToLatest } from "#db/migrate";
import type { Actor } from "~/auth/permissions";
import { createUser } from "~/services/admin/users.server";
import { newId } from "~/utils/ids";
import { type CliIo, parseArgs, UsageError } from "./io";
import { z } from "zod";
import crypto from "node:crypto";
import { hashToken } from "~/auth/session.server";
import { notificationConfig } from "~/services/notifications/config.server";
import { mailPasswordLink } from "~/services/notifications/notify.server";

/** The command line is trusted like a system administrator (it has the database file anyway). */
const CLI_ACTOR: Actor = { id: "cli", isAdmin: true, memberships: [] };

const EmailSchema = z.string().trim().toLowerCase().email();

export async function userCreate(args: string[], io: CliIo): Promise<number> {
  const { opts, positional } = parseArgs(args, {
    email: "string",
    role: "string",
    unit: "string",
    org: "string",
    name: "string",
    "base-url": "string",
  });
  if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`);
  const email = EmailSchema.safeParse(opts.email);
  if (!email.success) throw new UsageError("--email needs a valid email address");
  const role = String(opts.role ?? "");
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
  const name = typeof opts.name === "string" && opts.name.trim() ? opts.name.trim() : email.data.split("@")[0]!;
  const baseUrl =
    typeof opts["base-url"] === "string" ? opts["base-url"] : (process.env.APP_URL ?? `http://localhost:${process.env.PORT ?? 3000}`);

  const db = createDb();
  try {
    await migrateToLatest(db);
    let token: string;
    let userId: string;
    if (role === "admin") {
      if (opts.unit || opts.org) throw new UsageError("--role admin is system-wide: leave out --unit and --org");
      if (await db.selectFrom("user").select("id").where("email", "=", email.data).executeTakeFirst()) {
        io.err(`A user with email ${email.data} already exists.`);
        return 1;
      }
      userId = newId();
      token = crypto.randomBytes(32).toString("base64url");
      const now = new Date();
      await db
        .insertInto("user")
        .values({
          id: userId,
          email: email.data,
          name,
          password_hash: null,
          is_admin: 1,
          locale: null,
          disabled_at: null,
          password_changed_at: null,
          created_at: now.toISOString(),
        })
        .execute();
      await db
        .insertInto("password_token")
        .values({
          id: hashToken(token),
          user_id: userId,
          purpose: "set_password",
          created_by: null,
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + 72 * 3600_000).toISOString(),
          used_at: null,
        })
        .execute();
    } else {
      if (!opts.unit && !opts.org)
        throw new UsageError("--unit <id|code> (or --org <id|code> for the whole organisation) is required for this role");
      const scope = await resolveScope(db, opts.unit as string | undefined, opts.org as string | undefined);
      const created = await createUser(db, CLI_ACTOR, { email: email.data, name, role: role as MembershipRole, ...scope }).catch(
        (e: unknown) => {
          if (e instanceof Error && e.message === "users.emailTaken") return null;
          throw e;
        },
      );
      if (!created) {
        io.err(`A user with email ${email.data} already exists.`);
        return 1;
      }
      token = created.token;
      userId = created.user.id;
    }
    io.out(`Created user ${email.data} (${role}), id ${userId}.`);
    // With SMTP configured the link goes by mail (the server's outbox loop delivers it) instead of the console.
    const mailConfig = {
      ...notificationConfig(),
      ...(typeof opts["base-url"] === "string" ? { publicUrl: baseUrl.replace(/\/$/, "") } : {}),
    };
    if (await mailPasswordLink(db, userId, token, mailConfig)) {
      io.out(`The one-time set-password link (valid 72 hours) was queued for mailing to ${email.data}.`);
      return 0;
    }
    io.out(`One-time set-password link (valid 72 hours): ${baseUrl.replace(/\/$/, "")}/set-password/${token}`);
    return 0;
  } finally {
    await db.destroy();
  }
}

async function resolveScope(db: ReturnType<typeof createDb>, unit: string | undefined, org: string | undefined) {
  if (unit) {
    const rows = await db
      .selectFrom("unit")
      .select(["id", "organisation_id"])
      .where((eb) => eb.or([eb("id", "=", unit), eb("code", "=", unit)]))
      .execute();
    if (rows.length === 0) throw new UsageError(`no unit with id or code "${unit}"`);
    if (rows.length > 1) throw new UsageError(`unit code "${unit}" is ambiguous: use the unit id`);
    return { organisationId: rows[0]!.organisation_id, unitId: rows[0]!.id };
  }
  const rows = await db
    .selectFrom("organisation")
    .select("id")
    .where((eb) => eb.or([eb("id", "=", org!), eb("code", "=", org!)]))
    .execute();
  if (rows.length !== 1) throw new UsageError(`no single organisation with id or code "${org}"`);
  return { organisationId: rows[0]!.id, unitId: null };
}
