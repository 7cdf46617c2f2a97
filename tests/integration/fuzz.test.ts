import fs from "node:fs";
import path from "node:path";
import { beforeAll, expect, test } from "vitest";
import { isMessageKey } from "~/i18n";
import { mulberry32 } from "~/utils/random";
import { freshDb } from "../helpers/db";
import { callAction, type Outcome } from "../helpers/remix";
import { buildWorld, withTempDataDir, type Persona, type World } from "../helpers/world";

const FIELDS = ["intent", "name", "kind", "code", "email", "password", "confirm", "current", "scope", "role", "unitId", "parentId", "periodId", "membershipId", "year", "fillStart", "fillEnd", "reviewEnd", "evaluationEnd", "locale", "redirectTo", "id", "emailMode"];
const INTENTS = ["update-org", "add-unit", "rename-unit", "move-unit", "archive-unit", "restore-unit", "add-period", "update-period", "close-period", "reopen-period", "rename", "disable", "enable", "password-link", "add-membership", "remove-membership", "password", "read", "open", "read-all", "notifications"];
const NASTY = ["", " ", "\u0000", "null", "undefined", "-1", "1e309", "NaN", "0x10", "9".repeat(400), "x".repeat(5000), "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "a/b/c", "/", "2025-13-45", "2025-02-30", "💥🇮🇩", "%ZZ", "{\"a\":1}", "[]", "true"];

type Body = { form?: Record<string, string> | FormData; body?: BodyInit; contentType?: string };

function bodies(rand: () => number, w: World): Body[] {
  const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const ids = [w.ministry.id, w.other.id, w.eselon1.id, w.service.id, w.otherUnit.id, w.periodId, w.users.assessor.id, `${w.ministry.id}/${w.service.id}`, `${w.other.id}/${w.otherUnit.id}`];
  const out: Body[] = [
    { form: {} },
    { body: "%ZZ=%%&&==", contentType: "application/x-www-form-urlencoded" },
    { body: '{"intent":"add-unit"}', contentType: "application/json" },
    { body: "--x\r\nbroken", contentType: "multipart/form-data; boundary=x" },
    { body: "no boundary", contentType: "multipart/form-data" },
    { body: new Uint8Array([0, 255, 1, 2, 3]), contentType: "application/octet-stream" },
  ];
  const dup = new FormData();
  dup.append("intent", "add-unit");
  dup.append("intent", "rename");
  dup.append("name", new Blob(["file contents"]), "evil.txt");
  out.push({ form: dup });
  for (let i = 0; i < 40; i++) {
    const form: Record<string, string> = {};
    for (const f of FIELDS) {
      if (rand() < 0.5) continue;
      form[f] = f === "intent" && rand() < 0.8 ? pick(INTENTS) : rand() < 0.4 ? pick(ids) : pick(NASTY);
    }
    out.push({ form });
  }
  return out;
}

const actionRoutes = fs
  .readdirSync(path.resolve("app/routes"))
  .filter((f) => /export async function action/.test(fs.readFileSync(path.join("app/routes", f), "utf8")));

let w: World;
beforeAll(async () => {
  withTempDataDir();
  const db = await freshDb();
  w = await buildWorld(db);
});

function assertReadable(route: string, out: Outcome) {
  const where = `${route} → ${out.status} ${JSON.stringify(out.data).slice(0, 300)}`;
  expect(out.status, where).toBeLessThan(500);
  if (out.status < 400) return;
  if (typeof out.data === "string") {
    expect(isMessageKey(out.data), where).toBe(true);
  } else {
    const formError = (out.data as { formError?: unknown }).formError;
    expect(isMessageKey(formError), where).toBe(true);
    for (const v of Object.values((out.data as { fieldErrors?: Record<string, unknown> }).fieldErrors ?? {})) {
      expect(isMessageKey(v), where).toBe(true);
    }
  }
}

test("there are actions to fuzz", () => {
  expect(actionRoutes.length).toBeGreaterThanOrEqual(9);
});

test.each(actionRoutes)("malformed bodies to %s: no 500, every rejection readable", async (file) => {
  const mod = await import(`../../app/routes/${file}`);
  const rand = mulberry32(file.length * 7919);
  const personas: Persona[] = ["anon", "admin", "orgAdmin", "assessor", "otherOrgAdmin"];
  const params = { orgId: w.ministry.id, userId: w.users.coordinator.id, token: "bukan-token" };
  for (const persona of personas) {
    for (const b of bodies(rand, w)) {
      const out = await callAction(mod, { path: "/fuzz", cookie: w.cookies[persona], params, ...b, context: { ip: `10.9.${personas.indexOf(persona)}.1` } });
      assertReadable(`${file} as ${persona}`, out);
    }
  }
}, 120_000);
