/**
 * Issue #27, admins: unit codes are unique per organisation (trimmed, case-insensitive; a unique
 * index backs the service check) and a new unit's default type follows the organisation's kind.
 */
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { isUniqueViolation } from "#db/errors";
import * as orgDetail from "~/routes/admin.organisations.$orgId._index";
import { newId } from "~/utils/ids";
import { defaultUnitKind } from "~/services/admin/units.server";
import { callAction, callLoader } from "../helpers/remix";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
beforeAll(async () => {
  ({ db, w } = await freshWorld());
});

const post = (orgId: string, cookie: string | null, form: Record<string, string>) =>
  callAction(orgDetail, { path: `/admin/organisations/${orgId}`, params: { orgId }, cookie, form });
const unitsNamed = (name: string) => db.selectFrom("unit").selectAll().where("name", "=", name).execute();

test("a duplicate unit code in one organisation is refused with a readable message and nothing is stored", async () => {
  const admin = w.cookies.orgAdmin!;
  expect(
    (await post(w.ministry.id, admin, { intent: "add-unit", parentId: "", name: "Inspektorat Jenderal", kind: "eselon1", code: "ITJEN" }))
      .status,
  ).toBe(200);
  for (const code of ["ITJEN", " itjen "]) {
    const out = await post(w.ministry.id, admin, { intent: "add-unit", parentId: "", name: "Inspektorat Kedua", kind: "eselon1", code });
    expect(out.status, code).toBe(400);
    expect(out.data, code).toMatchObject({ formError: "units.codeTaken", values: { name: "Inspektorat Kedua" } });
  }
  expect(await unitsNamed("Inspektorat Kedua")).toHaveLength(0);
  // Renaming another unit onto the code is refused too; keeping one's own code is fine.
  expect(
    (await post(w.ministry.id, admin, { intent: "add-unit", parentId: "", name: "Biro Umum", kind: "eselon1", code: "BU" })).status,
  ).toBe(200);
  const [biro] = await unitsNamed("Biro Umum");
  const taken = await post(w.ministry.id, admin, {
    intent: "rename-unit",
    unitId: biro!.id,
    name: "Biro Umum",
    kind: "eselon1",
    code: "Itjen",
  });
  expect(taken.status).toBe(400);
  expect(taken.data).toMatchObject({ formError: "units.codeTaken" });
  expect(
    (
      await post(w.ministry.id, admin, {
        intent: "rename-unit",
        unitId: biro!.id,
        name: "Biro Umum dan Keuangan",
        kind: "eselon1",
        code: "BU",
      })
    ).status,
  ).toBe(200);
  // Units without a code never collide.
  for (const name of ["Tanpa Kode 1", "Tanpa Kode 2"])
    expect((await post(w.ministry.id, admin, { intent: "add-unit", parentId: "", name, kind: "eselon1", code: "" })).status).toBe(200);
});

test("the database refuses a duplicate code behind the service's back; another organisation may use the same code", async () => {
  const row = (organisation_id: string, code: string) => {
    const id = newId();
    return {
      id,
      organisation_id,
      parent_id: null,
      path: `/${id}/`,
      name: `Unit ${id.slice(0, 6)}`,
      kind: "satker",
      code,
      archived_at: null,
      created_at: new Date().toISOString(),
    };
  };
  await db.insertInto("unit").values(row(w.ministry.id, "DUP-1")).execute();
  const err = await db
    .insertInto("unit")
    .values(row(w.ministry.id, "dup-1 "))
    .execute()
    .catch((e: unknown) => e);
  expect(isUniqueViolation(err)).toBe(true);
  await db.insertInto("unit").values(row(w.other.id, "DUP-1")).execute();
});

test("a new unit's default type follows the organisation's kind and its parent", async () => {
  expect(defaultUnitKind("kementerian_lembaga", null)).toBe("eselon1");
  expect(defaultUnitKind("kementerian_lembaga", "eselon1")).toBe("satker");
  expect(defaultUnitKind("kementerian_lembaga", "satker")).toBe("unit_layanan");
  expect(defaultUnitKind("pemda_kabkota", null)).toBe("opd");
  expect(defaultUnitKind("pemda_provinsi", "opd")).toBe("bagian");
  const other = await db.selectFrom("organisation").select("kind").where("id", "=", w.other.id).executeTakeFirstOrThrow();
  const page = await callLoader(orgDetail, {
    path: `/admin/organisations/${w.other.id}`,
    params: { orgId: w.other.id },
    cookie: w.cookies.admin,
  });
  expect((page.data as { defaultKind: string }).defaultKind).toBe(defaultUnitKind(other.kind, null));
  const ministry = await callLoader(orgDetail, {
    path: `/admin/organisations/${w.ministry.id}`,
    params: { orgId: w.ministry.id },
    cookie: w.cookies.admin,
  });
  expect((ministry.data as { defaultKind: string }).defaultKind).toBe("eselon1");
});
