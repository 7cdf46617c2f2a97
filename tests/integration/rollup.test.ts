/**
 * Roll-ups across organisations (issue #30, spec rb-2024 §6): the figures against an independent
 * recomputation from the stored snapshots (their node rows and answers, read here with plain queries),
 * the scope rules, the parent link, the national averages import, and that an organisation user's page
 * (HTML and `.data`) names no other organisation.
 */
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import type { Db } from "#db/client.server";
import type { OrganisationKind } from "#db/schema";
import { seedOrganisationsScale, type OrgScaleResult } from "#db/seed/scale-orgs.server";
import { loadActor } from "~/auth/require.server";
import type { Actor } from "~/auth/permissions";
import { treeNodes, walkTree } from "~/domain/instrument/tree";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";
import { setOrganisationParent } from "~/services/admin/organisation-parent.server";
import { organisationRollup } from "~/services/rollup/organisation.server";
import { rollupOverview, type RollupOverview } from "~/services/rollup/rollup.server";
import { rollupScope } from "~/services/rollup/scope.server";
import { importNationalAverages, parseNationalFile } from "~/services/rollup/national.server";
import * as overviewRoute from "~/routes/rollup._index";
import * as orgRoute from "~/routes/rollup.organisations.$orgId";
import * as csvRoute from "~/routes/rollup[.]csv";
import * as adminOrgRoute from "~/routes/admin.organisations.$orgId._index";
import { freshDb } from "../helpers/db";
import { makeUnit, makeUser, sessionCookie } from "../helpers/factories";
import { callAction, callLoader } from "../helpers/remix";
import { ensureBuild, ROOT } from "../helpers/server";

let db: Db;
let seed: OrgScaleResult;
let admin: Actor;
const YEAR = new Date().getUTCFullYear() - 1;
const q = (over: Partial<{ year: number; kind: OrganisationKind; compare: boolean }> = {}) => ({
  year: YEAR,
  kind: null,
  instrument: null,
  page: 1,
  compare: false,
  ...over,
});

async function actorOf(id: string): Promise<Actor> {
  const user = await db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  return loadActor(db, user);
}

beforeAll(async () => {
  db = await freshDb();
  seed = await seedOrganisationsScale(db, { organisations: 40, cycles: 2, seed: 7, evaluatorShare: 0.5 });
  admin = await actorOf((await makeUser(db, { role: "admin" })).id);
  // A withdrawn release must not count: the organisation falls back to its next layer.
  const released = await db
    .selectFrom("layer_release as lr")
    .innerJoin("assessment as a", "a.id", "lr.assessment_id")
    .select(["lr.id"])
    .where("a.organisation_id", "in", seed.regencies)
    .executeTakeFirstOrThrow();
  await db
    .updateTable("layer_release")
    .set({ revoked_at: new Date().toISOString(), revoke_reason: "uji" })
    .where("id", "=", released.id)
    .execute();
}, 120_000);

/** The result snapshot of every regency, chosen here by the documented rule with plain reads. */
async function expectedResults(kind: OrganisationKind, year: number) {
  const rows = await db
    .selectFrom("score_snapshot as s")
    .innerJoin("assessment as a", "a.id", "s.assessment_id")
    .innerJoin("period as p", "p.id", "a.period_id")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .leftJoin("layer_release as lr", (j) => j.onRef("lr.assessment_id", "=", "a.id").onRef("lr.layer", "=", "s.layer"))
    .select([
      "s.id",
      "s.layer",
      "s.total",
      "s.predicate",
      "s.answers_json",
      "s.created_at",
      "a.organisation_id",
      "a.status",
      "a.instrument_hash",
      "lr.revoked_at",
      "lr.id as releaseId",
    ])
    .where("p.year", "=", year)
    .where("o.kind", "=", kind)
    .execute();
  const rank = { external: 3, internal: 2, self: 1 } as const;
  const best = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const counts = r.layer === "self" ? r.status === "final" : r.releaseId !== null && r.revoked_at === null;
    if (!counts) continue;
    const cur = best.get(r.organisation_id);
    if (!cur || rank[r.layer] > rank[cur.layer] || (rank[r.layer] === rank[cur.layer] && r.created_at > cur.created_at))
      best.set(r.organisation_id, r);
  }
  return [...best.values()];
}

describe("the figures equal a recomputation from the stored rows", () => {
  let overview: RollupOverview;
  beforeAll(async () => {
    overview = (await rollupOverview(db, admin, q({ kind: "pemda_kabkota" }), "id")) as RollupOverview;
  });

  test("Indeks RB mean, predicate distribution, per-indicator and per-sub-component means, target baik", async () => {
    const results = await expectedResults("pemda_kabkota", YEAR);
    expect(results.length).toBe(seed.regencies.length);
    const f = overview.figures!;
    expect(f.summary.organisations).toBe(results.length);
    expect(Math.abs(f.summary.meanTotal! - results.reduce((s, r) => s + Number(r.total), 0) / results.length)).toBeLessThan(1e-9);
    const dist: Record<string, number> = {};
    for (const r of results) dist[r.predicate ?? ""] = (dist[r.predicate ?? ""] ?? 0) + 1;
    expect(f.summary.predicates).toEqual(dist);
    expect(overview.distribution.find((d) => d.kind === "pemda_kabkota")!.counts).toEqual(dist);

    // Rows: the instrument's weighted groups; their component from the tree (domain, not the service).
    const instrument = await getFrozenInstrument(db, results[0]!.instrument_hash);
    const componentOf = new Map<string, string>();
    walkTree(treeNodes(instrument), (node) => {
      if (node.items) componentOf.set(node.id, instrument.tree.find((c) => node.id.startsWith(c.id))!.id);
    });
    const nodes = await db
      .selectFrom("score_snapshot_node")
      .select(["snapshot_id", "node_id", "value", "max", "answered"])
      .where(
        "snapshot_id",
        "in",
        results.map((r) => r.id),
      )
      .execute();
    const perRow = new Map<string, { sum: number; n: number; filled: number }>();
    const perComponent = new Map<string, { sum: number; n: number }>();
    for (const n of nodes) {
      if (!componentOf.has(n.node_id)) continue;
      const row = perRow.get(n.node_id) ?? { sum: 0, n: 0, filled: 0 };
      if (n.answered > 0) row.filled++;
      if (n.answered > 0 && n.max > 0) {
        row.sum += (n.value / n.max) * 100;
        row.n++;
        const c = perComponent.get(componentOf.get(n.node_id)!) ?? { sum: 0, n: 0 };
        c.sum += (n.value / n.max) * 100;
        c.n++;
        perComponent.set(componentOf.get(n.node_id)!, c);
      }
      perRow.set(n.node_id, row);
    }
    for (const row of f.indicators) {
      const e = perRow.get(row.id)!;
      expect(row.filled, row.id).toBe(e.filled);
      expect(row.notYet).toBe(results.length - e.filled);
      if (e.n === 0) expect(row.mean).toBeNull();
      else expect(Math.abs(row.mean! - e.sum / e.n), row.id).toBeLessThan(1e-9);
    }
    for (const sc of f.subcomponents) {
      const e = perComponent.get(sc.id);
      if (!e) expect(sc.mean).toBeNull();
      else expect(Math.abs(sc.mean! - e.sum / e.n), sc.id).toBeLessThan(1e-9);
    }

    // Target baik: raw answer ≥ target; N/A, text or missing is not met.
    const targets = instrument.evaluation.portal_2025!.targets;
    let met = 0;
    const metPerItem = new Map<string, number>();
    for (const r of results) {
      const answers = JSON.parse(r.answers_json) as Record<string, unknown>;
      for (const [item, target] of Object.entries(targets)) {
        const v = answers[item];
        if (typeof v === "number" && v >= target - 1e-9) {
          met++;
          metPerItem.set(item, (metPerItem.get(item) ?? 0) + 1);
        }
      }
    }
    expect(f.targets.rows).toBe(Object.keys(targets).length);
    expect(f.targets.pairs).toBe(Object.keys(targets).length * results.length);
    expect(f.targets.met).toBe(met);
    expect(met).toBeGreaterThan(0);
    for (const row of f.indicators.filter((i) => i.target !== null)) {
      const item = Object.keys(targets).find((k) => k.startsWith(`${row.id}.`))!;
      expect(row.met, row.id).toBe(metPerItem.get(item) ?? 0);
    }
    // Every organisation of the page meets as many targets as its own answers say.
    for (const o of overview.organisations.rows) {
      const r = results.find((x) => x.organisation_id === o.organisationId)!;
      const answers = JSON.parse(r.answers_json) as Record<string, unknown>;
      const own = Object.entries(targets).filter(
        ([item, target]) => typeof answers[item] === "number" && (answers[item] as number) >= target - 1e-9,
      ).length;
      expect(o.targetsMet).toBe(own);
      expect(o.total).toBe(Number(r.total));
    }
  });

  test("on request, the previous year's means sit beside this year's; the organisation's page has its own year before", async () => {
    expect(overview.compared).toBe(false);
    expect(overview.figures!.indicators.every((i) => i.previousMean === null)).toBe(true);
    overview = (await rollupOverview(db, admin, q({ kind: "pemda_kabkota", compare: true }), "id")) as RollupOverview;
    const prev = await expectedResults("pemda_kabkota", YEAR - 1);
    const nodes = await db
      .selectFrom("score_snapshot_node")
      .select(["value", "max", "answered"])
      .where(
        "snapshot_id",
        "in",
        prev.map((r) => r.id),
      )
      .where("node_id", "=", "B101")
      .execute();
    const counted = nodes.filter((n) => n.answered > 0 && n.max > 0);
    const mean = counted.reduce((s, n) => s + (n.value / n.max) * 100, 0) / counted.length;
    expect(overview.previousYear).toBe(YEAR - 1);
    expect(Math.abs(overview.figures!.indicators.find((i) => i.id === "B101")!.previousMean! - mean)).toBeLessThan(1e-9);
    const org = prev[0]!.organisation_id;
    const own = prev[0]!;
    const node = await db
      .selectFrom("score_snapshot_node")
      .select(["value", "max"])
      .where("snapshot_id", "=", own.id)
      .where("node_id", "=", "B101")
      .executeTakeFirstOrThrow();
    const page = await organisationRollup(db, admin, org, q(), "id");
    expect(page.previous!.total).toBe(Number(own.total));
    expect(Math.abs(page.indicators.find((i) => i.id === "B101")!.previousPercent! - (node.value / node.max) * 100)).toBeLessThan(1e-9);
  });
});

describe("who sees which organisations", () => {
  test("admin: all; multi-organisation evaluator: those; province: itself and its regencies; others: their own", async () => {
    expect((await rollupScope(db, admin)).mode).toBe("all");

    const ev = await makeUser(db, { role: "evaluator", organisationId: seed.ministries[0]! });
    await db
      .insertInto("membership")
      .values({
        id: `m-${ev.id}`,
        user_id: ev.id,
        organisation_id: seed.ministries[1]!,
        unit_id: null,
        role: "evaluator",
        created_at: new Date().toISOString(),
      })
      .execute();
    const evScope = await rollupScope(db, await actorOf(ev.id));
    expect(evScope.mode).toBe("orgs");
    expect(evScope.organisationIds).toEqual([seed.ministries[0]!, seed.ministries[1]!].sort());

    const province = seed.provinces[0]!;
    const regencies = (await db.selectFrom("organisation").select("id").where("parent_id", "=", province).execute()).map((r) => r.id);
    expect(regencies.length).toBeGreaterThan(5);
    const prov = await makeUser(db, { role: "org_admin", organisationId: province });
    const provScope = await rollupScope(db, await actorOf(prov.id));
    expect(provScope.mode).toBe("orgs");
    expect(provScope.organisationIds).toEqual([province, ...regencies].sort());

    const one = await makeUser(db, { role: "reviewer", organisationId: seed.regencies[0]! });
    const oneScope = await rollupScope(db, await actorOf(one.id));
    expect(oneScope).toEqual({ mode: "own", organisationIds: [seed.regencies[0]], ownIds: [seed.regencies[0]] });

    // A unit-scoped assessor of a province sees nothing of the roll-ups.
    const unit = await makeUnit(db, province, null, "Biro Organisasi");
    const assessor = await makeUser(db, { role: "assessor", organisationId: province, unitId: unit.id });
    expect((await rollupScope(db, await actorOf(assessor.id))).mode).toBe("none");
    const out = await callLoader(overviewRoute, { path: "/rollup", cookie: await sessionCookie(db, assessor.id) });
    expect(out.status).toBe(403);
  });

  test("the province's page lists exactly its regencies with results; a regency outside its scope is 404", async () => {
    const province = seed.provinces[0]!;
    const prov = await makeUser(db, { role: "reviewer", organisationId: province });
    const cookie = await sessionCookie(db, prov.id);
    const out = await callLoader(orgRoute, { path: `/rollup/organisations/${province}?year=${YEAR}`, cookie, params: { orgId: province } });
    expect(out.status).toBe(200);
    const d = out.data as Awaited<ReturnType<typeof organisationRollup>>;
    const mine = (await db.selectFrom("organisation").select("id").where("parent_id", "=", province).execute()).map((r) => r.id).sort();
    expect(d.regencies!.rows.map((r) => r.organisationId).sort()).toEqual(mine);
    const foreign = seed.regencies.find((r) => !mine.includes(r))!;
    const other = await callLoader(orgRoute, { path: `/rollup/organisations/${foreign}`, cookie, params: { orgId: foreign } });
    expect(other.status).toBe(404);
    const overview = await callLoader(overviewRoute, { path: `/rollup?kind=pemda_kabkota&year=${YEAR}`, cookie });
    expect((overview.data as RollupOverview).organisations.rows.every((r) => mine.includes(r.organisationId))).toBe(true);
    const csv = await callLoader(csvRoute, { path: `/rollup.csv?kind=pemda_kabkota&year=${YEAR}`, cookie });
    expect(csv.status).toBe(200);
    expect((csv.data as string).trim().split("\r\n")).toHaveLength(mine.length + 1);
  });
});

describe("an organisation user", () => {
  let cookie = "";
  let orgId = "";
  let others: { id: string; name: string }[] = [];
  beforeAll(async () => {
    orgId = seed.regencies[3]!;
    cookie = await sessionCookie(db, (await makeUser(db, { role: "org_admin", organisationId: orgId })).id);
    others = await db.selectFrom("organisation").select(["id", "name"]).where("id", "!=", orgId).execute();
  });

  test("is sent to their own page, which shows their position against the average", async () => {
    const out = await callLoader(overviewRoute, { path: "/rollup", cookie });
    expect(out.status).toBe(302);
    expect(out.location).toBe(`/rollup/organisations/${orgId}`);
    const page = await callLoader(orgRoute, { path: `/rollup/organisations/${orgId}?year=${YEAR}`, cookie, params: { orgId } });
    const d = page.data as Awaited<ReturnType<typeof organisationRollup>>;
    expect(d.access).toBe("own");
    expect(d.regencies).toBeNull();
    expect(d.peer!.organisations).toBe(seed.regencies.length);
    const own = (await expectedResults("pemda_kabkota", YEAR)).find((r) => r.organisation_id === orgId)!;
    expect(d.result!.total).toBe(Number(own.total));
    expect((await callLoader(csvRoute, { path: "/rollup.csv", cookie })).status).toBe(403);
    const foreign = seed.regencies[4]!;
    expect((await callLoader(orgRoute, { path: `/rollup/organisations/${foreign}`, cookie, params: { orgId: foreign } })).status).toBe(404);
  });

  test("the HTML and the .data of their page name no other organisation", async () => {
    ensureBuild();
    const build = (await import(path.join(ROOT, "build", "server", "index.js"))) as ServerBuild;
    const handle = createRequestHandler(build, "production");
    for (const url of [
      `/rollup/organisations/${orgId}?year=${YEAR}`,
      `/rollup/organisations/${orgId}.data?year=${YEAR}`,
      `/rollup/organisations/${orgId}?year=${YEAR - 1}`,
    ]) {
      const res = await handle(new Request(`http://localhost${url}`, { headers: { cookie } }));
      expect(res.status, url).toBe(200);
      const body = await res.text();
      expect(body.length).toBeGreaterThan(500);
      expect(body).toContain("Kabupaten Skala");
      for (const o of others) {
        expect(body.includes(o.name), `${url} names ${o.name}`).toBe(false);
        expect(body.includes(o.id), `${url} holds the id of ${o.name}`).toBe(false);
      }
    }
  });

  test("a peer group with one or two organisations outside the viewer's scope shows no average", async () => {
    // The ministries: 4 in all. A user of three of them (evaluator) has one outside: withheld.
    const ev = await makeUser(db, { role: "evaluator", organisationId: seed.ministries[0]! });
    for (const m of seed.ministries.slice(1, 3))
      await db
        .insertInto("membership")
        .values({
          id: `m-${ev.id}-${m}`,
          user_id: ev.id,
          organisation_id: m,
          unit_id: null,
          role: "evaluator",
          created_at: new Date().toISOString(),
        })
        .execute();
    const out = (await rollupOverview(db, await actorOf(ev.id), q({ kind: "kementerian_lembaga" }), "id")) as RollupOverview;
    expect(out.hidden).toBe(true);
    expect(out.figures).toBeNull();
    expect(out.distribution.find((d) => d.kind === "kementerian_lembaga")!.hidden).toBe(true);
    const page = await organisationRollup(db, await actorOf(ev.id), seed.ministries[0]!, q(), "id");
    expect(page.peer).toBeNull();
    expect(page.indicators.every((i) => i.peerMean === null)).toBe(true);
    expect(page.result!.rank).toBeNull();
  });
});

describe("the parent link", () => {
  test("a regency under a province; wrong kinds, itself, a cycle, archived and non-admins are refused; audited", async () => {
    const regency = seed.regencies[0]!;
    const [p0, p1] = seed.provinces;
    const refuse = (org: string, parent: string | null, key: string, actor = admin) =>
      expect(setOrganisationParent(db, actor, org, parent)).rejects.toMatchObject({ key });
    await refuse(regency, seed.ministries[0]!, "orgParent.wrongKind");
    await refuse(regency, regency, "orgParent.self");
    await refuse(p0!, p1!, "orgParent.noParentKind");
    const current = (await db.selectFrom("organisation").select("parent_id").where("id", "=", regency).executeTakeFirstOrThrow()).parent_id;
    await refuse(regency, current, "orgParent.unchanged");
    const prov = await actorOf((await makeUser(db, { role: "org_admin", organisationId: p0! })).id);
    await expect(setOrganisationParent(db, prov, regency, p1!)).rejects.toMatchObject({ status: 403 });

    await setOrganisationParent(db, admin, regency, p1!);
    const audit = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "organisation.parent")
      .where("entity_id", "=", regency)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.after_json!)).toEqual({ parent_id: p1 });
    expect(JSON.parse(audit.before_json!)).toEqual({ parent_id: current });

    // A cycle (made behind the app's back: provinces have no parent) is refused.
    await db.updateTable("organisation").set({ parent_id: seed.regencies[2]! }).where("id", "=", p1!).execute();
    await refuse(seed.regencies[2]!, p1!, "orgParent.cycle");
    await db.updateTable("organisation").set({ parent_id: null }).where("id", "=", p1!).execute();

    await db.updateTable("organisation").set({ archived_at: new Date().toISOString() }).where("id", "=", p0!).execute();
    await refuse(seed.regencies[1]!, p0!, "orgParent.archived");
    await db.updateTable("organisation").set({ archived_at: null }).where("id", "=", p0!).execute();
    await setOrganisationParent(db, admin, regency, current);
  });
});

describe("national averages", () => {
  test("content ships the 2023 totals; an import (CSV) adds a node and replaces on the same key; bad files are refused", async () => {
    const rows = parseNationalFile(
      "year;kind;instrument;node;value;source\n" +
        `${YEAR};pemda_kabkota;rb-2024-kabkota;total;61,5;Uji\n${YEAR};pemda_kabkota;rb-2024-kabkota;B;55;Uji\n`,
      "n.csv",
    );
    expect(rows).toEqual([
      { year: YEAR, kind: "pemda_kabkota", instrument: "rb-2024-kabkota", node: "total", value: 61.5, source: "Uji" },
      { year: YEAR, kind: "pemda_kabkota", instrument: "rb-2024-kabkota", node: "B", value: 55, source: "Uji" },
    ]);
    await importNationalAverages(db, admin, rows);
    await importNationalAverages(db, admin, [{ ...rows[0]!, value: 62 }]);
    const out = (await rollupOverview(db, admin, q({ kind: "pemda_kabkota" }), "id")) as RollupOverview;
    expect(out.figures!.national.total).toEqual({ value: 62, source: "Uji" });
    expect(out.figures!.subcomponents.find((s) => s.id === "B")!.national).toEqual({ value: 55, source: "Uji" });
    expect(() => parseNationalFile("year,kind\n2023,x", "x.csv")).toThrow(/badFile/);
    expect(() => parseNationalFile("year,kind,instrument,node,value\n2023,pemda_kabkota,rb-2023-kabkota,total,59.32\n", "x.csv")).toThrow(
      /noSource/,
    );
    expect(() =>
      parseNationalFile("averages:\n  - { year: 2023, kind: desa, instrument: x, node: total, value: 1, source: abc }\n", "x.yaml"),
    ).toThrow(/badRow/);
    const content = (await import("~/services/rollup/national.server")).contentNationalRows();
    expect(content.map((r) => [r.kind, r.value])).toEqual([
      ["kementerian_lembaga", 76.81],
      ["pemda_provinsi", 69.71],
      ["pemda_kabkota", 59.32],
    ]);
  });
});

describe("the organisation page's parent form", () => {
  test("the admin sets and clears it with a message; a wrong kind answers 400 with the reason; an org admin gets 403", async () => {
    const regency = seed.regencies[5]!;
    const adminCookie = await sessionCookie(db, admin.id);
    const post = (cookie: string, parentId: string) =>
      callAction(adminOrgRoute, {
        path: `/admin/organisations/${regency}`,
        cookie,
        params: { orgId: regency },
        form: { intent: "set-parent", parentId },
      });
    const page = await callLoader(adminOrgRoute, {
      path: `/admin/organisations/${regency}`,
      cookie: adminCookie,
      params: { orgId: regency },
    });
    expect((page.data as { parents: { id: string }[] }).parents.map((p) => p.id).sort()).toEqual([...seed.provinces].sort());
    const cleared = await post(adminCookie, "");
    expect(cleared.status).toBe(200);
    expect(cleared.data).toMatchObject({ ok: true, message: "orgParent.saved" });
    expect(
      (await db.selectFrom("organisation").select("parent_id").where("id", "=", regency).executeTakeFirstOrThrow()).parent_id,
    ).toBeNull();
    const wrong = await post(adminCookie, seed.ministries[0]!);
    expect(wrong.status).toBe(400);
    expect(wrong.data).toMatchObject({ ok: false, formError: "orgParent.wrongKind" });
    expect((await post(adminCookie, seed.provinces[1]!)).status).toBe(200);
    const orgAdmin = await sessionCookie(db, (await makeUser(db, { role: "org_admin", organisationId: regency })).id);
    expect((await post(orgAdmin, seed.provinces[0]!)).status).toBe(403);
  });
});
