/**
 * Instrument versions uploaded in the app (issue #13): upload → draft + diff → publish, through the
 * admin routes' loaders and actions; roll-outs before and after publishing freeze different versions,
 * and the older assessment keeps (and scores with) the one it froze.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import type { InstrumentDiff } from "~/domain/instrument/diff";
import { englishIssue, type KeyedIssue } from "~/i18n/instrument-issues";
import { scoreAssessment } from "~/domain/scoring/score";
import * as releaseRoute from "~/routes/admin.instruments.$releaseId";
import * as indexRoute from "~/routes/admin.instruments._index";
import * as assessmentsRoute from "~/routes/assessments._index";
import * as templateRoute from "~/routes/lke.template.$instrument";
import { saveAnswer } from "~/services/workbench/answers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { currentInstrument, freezeInstrument, publishedInstrumentsIn } from "~/services/instruments/frozen.server";
import { publishRelease, ReleaseError, uploadRelease, type ReleaseView } from "~/services/instruments/releases.server";
import { contentHash, getInstrument } from "~/services/instruments/catalog.server";
import { INSTRUMENT_MAX_BYTES } from "~/utils/constants";
import { newId } from "~/utils/ids";
import { freshDb } from "../helpers/db";
import { makeOrg, makeUnit, makeUser, sessionCookie, makePeriod } from "../helpers/factories";
import { contentText, editYaml, locate, PMPRB_NEXT_MAPPING, pmprbNext } from "../helpers/instrument-edits";
import { callAction, callLoader } from "../helpers/remix";

let db: Db;
let admin: Actor;
let cookies: { admin: string; orgAdmin: string; coordinator: string };
let units: { id: string }[];
let periodId: string;

beforeAll(async () => {
  db = await freshDb();
  const org = await makeOrg(db);
  const top = await makeUnit(db, org.id);
  units = [await makeUnit(db, org.id, top), await makeUnit(db, org.id, top), await makeUnit(db, org.id, top)];
  const a = await makeUser(db, { role: "admin" });
  const oa = await makeUser(db, { role: "org_admin", organisationId: org.id });
  const co = await makeUser(db, { role: "coordinator", organisationId: org.id, unitId: top.id });
  admin = { id: a.id, isAdmin: true, memberships: [] };
  cookies = { admin: await sessionCookie(db, a.id), orgAdmin: await sessionCookie(db, oa.id), coordinator: await sessionCookie(db, co.id) };
  periodId = await makePeriod(db, org.id, 2019, { name: "2019" });
});

function uploadForm(files: { file?: [string, string | Uint8Array<ArrayBuffer>]; mapping?: [string, string] }, intent = "upload"): FormData {
  const form = new FormData();
  form.set("intent", intent);
  if (files.file) form.set("file", new File([files.file[1]], files.file[0], { type: "application/yaml" }));
  if (files.mapping) form.set("mapping", new File([files.mapping[1]], files.mapping[0], { type: "application/json" }));
  return form;
}

const upload = (cookie: string, files: Parameters<typeof uploadForm>[0]) =>
  callAction(indexRoute, { path: "/admin/instruments", cookie, form: uploadForm(files) });

/** The refused upload's problems, in English (the page translates the same keys). */
const issuesOf = (data: unknown) => ((data as { issues?: KeyedIssue[] }).issues ?? []).map(englishIssue);

async function rollOut(unitId: string, instrumentId = "pmprb-2014"): Promise<string> {
  const { created } = await createAssessments(db, admin, { unitIds: [unitId], periodId, instrumentId, carryForward: false });
  return created[0]!;
}

const pmprbHash = () => getInstrument("pmprb-2014")!.contentHash;

describe("uploading an invalid file", () => {
  test("every issue comes back as a message key with parameters (`at`, `key`, `params`), with a 400, and nothing is stored", async () => {
    const broken = editYaml(contentText("pmprb-2014"), (d) => {
      d.version = "1.1.0";
      locate(d, "A.1.i").node.weight = 3;
      locate(d, "A.1.i.a").node.type = "abcz";
    });
    const out = await upload(cookies.admin, { file: ["pmprb-rusak.yaml", broken] });
    expect(out.status).toBe(400);
    expect((out.data as { formError: string }).formError).toBe("instruments.invalid");
    expect(issuesOf(out.data).some((i) => i.startsWith('A.1.i.a: "type": "abcz" is not one of'))).toBe(true);
    const weights = await uploadRelease(db, admin, {
      text: editYaml(contentText("pmprb-2014"), (d) => ((d.version = "1.1.0"), (locate(d, "A.1.i").node.weight = 3))),
      fileName: "w.yaml",
    }).catch((e: unknown) => e);
    expect(weights).toBeInstanceOf(ReleaseError);
    expect((weights as ReleaseError).issues.map((i) => i.at)).toContain("A.1");
    expect(await db.selectFrom("instrument_release").select("id").execute()).toEqual([]);
  });

  test("unparsable YAML names its line; a missing, binary or oversized file is a field error", async () => {
    const yaml = await upload(cookies.admin, { file: ["x.yaml", "id: [unclosed\n  version: 1"] });
    expect(yaml.status).toBe(400);
    expect(issuesOf(yaml.data)[0]).toMatch(/^x\.yaml: line \d+, column \d+: /);
    const none = await upload(cookies.admin, {});
    expect(none.status).toBe(400);
    expect((none.data as { fieldErrors: Record<string, string> }).fieldErrors.file).toBe("instruments.fileRequired");
    const binary = await upload(cookies.admin, { file: ["x.yaml", new Uint8Array([0xff, 0xfe, 0x00, 0xc3])] });
    expect((binary.data as { fieldErrors: Record<string, string> }).fieldErrors.file).toBe("instruments.notText");
    const big = await upload(cookies.admin, { file: ["big.yaml", `# ${"x".repeat(INSTRUMENT_MAX_BYTES)}\n`] });
    expect(big.status).toBe(400);
    expect((big.data as { fieldErrors: Record<string, string> }).fieldErrors.file).toBe("instruments.tooLarge");
  });

  test("versions that exist or are not newer, an unpublished file and a mapping that does not fit are refused, naming them", async () => {
    const same = await uploadRelease(db, admin, { text: `${contentText("pmprb-2014")}# komentar\n`, fileName: "same.yaml" }).catch(
      (e: unknown) => e as ReleaseError,
    );
    expect((same as ReleaseError).issues.map(englishIssue).join("\n")).toMatch(
      /version 1\.0\.1 of pmprb-2014 already exists as the content file/,
    );
    const older = await uploadRelease(db, admin, {
      text: editYaml(contentText("pmprb-2014"), (d) => (d.version = "0.9.0")),
      fileName: "old.yaml",
    }).catch((e: unknown) => e as ReleaseError);
    expect((older as ReleaseError).issues.map(englishIssue)).toEqual([
      expect.stringMatching(/0\.9\.0 is not newer than the published version 1\.0\.1/),
    ]);
    const draft = await uploadRelease(db, admin, { text: editYaml(pmprbNext(), (d) => (d.status = "draft")), fileName: "d.yaml" }).catch(
      (e: unknown) => e as ReleaseError,
    );
    expect((draft as ReleaseError).issues.map((i) => i.at)).toEqual(["status"]);
    const badMapping = await upload(cookies.admin, {
      file: ["pmprb-2014-1.1.0.yaml", pmprbNext()],
      mapping: ["map.json", JSON.stringify({ from: "0.1.0", items: { "A.1.i.b": "A.1.i.z", "A.9.i.a": null, "A.1.ii.e": "A.1.ii.q" } })],
    });
    expect(badMapping.status).toBe(400);
    const issues = issuesOf(badMapping.data);
    expect(issues).toEqual([
      expect.stringMatching(/^map\.json: the mapping is from "0\.1\.0", but the published version of pmprb-2014 is 1\.0\.1/),
      expect.stringMatching(/^A\.9\.i\.a: mapping: old item id "A\.9\.i\.a"/),
      expect.stringMatching(/^A\.1\.ii\.q: mapping: new item id "A\.1\.ii\.q"/),
    ]);
    expect(await db.selectFrom("instrument_release").select("id").execute()).toEqual([]);
  });
});

describe("a new PMPRB version: upload, roll-outs, publish", () => {
  let releaseId: string;
  let before: string;

  test("an upload with a mapping is stored as a draft and shows its diff", async () => {
    const out = await upload(cookies.admin, { file: ["pmprb-2014-1.1.0.yaml", pmprbNext()], mapping: ["map.json", PMPRB_NEXT_MAPPING] });
    expect(out.status, JSON.stringify(out.data)).toBe(302);
    releaseId = out.location!.split("/").pop()!;
    const page = await callLoader(releaseRoute, { path: out.location!, cookie: cookies.admin, params: { releaseId } });
    expect(page.status).toBe(200);
    const view = page.data as ReleaseView;
    expect(view.release).toMatchObject({
      instrumentId: "pmprb-2014",
      version: "1.1.0",
      status: "draft",
      previousHash: pmprbHash(),
      hasMapping: true,
    });
    expect(view.against).toEqual({ version: "1.0.1", hash: pmprbHash() });
    expect(view.stale).toBe(false);
    const diff = view.diff as InstrumentDiff;
    expect(diff.removed.map((r) => r.id)).toEqual(["A.1.ii.e"]);
    expect(diff.added).toEqual([]);
    expect(diff.renamed.map((r) => [r.from, r.to])).toEqual([["A.1.i.b", "A.1.i.z"]]);
    expect(diff.reweighted.filter((r) => r.level === "subarea").map((r) => [r.id, r.from, r.to])).toEqual([
      ["A.1.i", 1, 2],
      ["A.1.iii", 2, 1],
    ]);
    const listed = await callLoader(indexRoute, { path: "/admin/instruments", cookie: cookies.admin });
    const data = listed.data as { releases: { id: string; status: string }[]; families: { id: string; version: string }[] };
    expect(data.releases).toEqual([expect.objectContaining({ id: releaseId, status: "draft" })]);
    expect(data.families.find((f) => f.id === "pmprb-2014")?.version).toBe("1.0.1");
    const audit = await db
      .selectFrom("audit_log")
      .select(["action", "entity_id"])
      .where("entity_type", "=", "instrument_release")
      .execute();
    expect(audit).toEqual([{ action: "instrument.upload", entity_id: releaseId }]);
  });

  test("the same version cannot be uploaded twice", async () => {
    const again = await upload(cookies.admin, { file: ["again.yaml", `${pmprbNext()}# lagi\n`] });
    expect(again.status).toBe(400);
    expect(issuesOf(again.data).join("\n")).toMatch(/version 1\.1\.0 of pmprb-2014 was already uploaded/);
  });

  test("a roll-out before publishing freezes 1.0.1", async () => {
    before = await rollOut(units[0]!.id);
    const row = await db.selectFrom("assessment").select("instrument_hash").where("id", "=", before).executeTakeFirstOrThrow();
    expect(row.instrument_hash).toBe(pmprbHash());
  });

  test("non-admins get 403 on both pages' loaders and actions", async () => {
    for (const cookie of [cookies.orgAdmin, cookies.coordinator]) {
      expect((await callLoader(indexRoute, { path: "/admin/instruments", cookie })).status).toBe(403);
      expect((await upload(cookie, { file: ["x.yaml", pmprbNext("1.5.0")] })).status).toBe(403);
      expect((await callLoader(releaseRoute, { path: `/admin/instruments/${releaseId}`, cookie, params: { releaseId } })).status).toBe(403);
      const post = await callAction(releaseRoute, {
        path: `/admin/instruments/${releaseId}`,
        cookie,
        params: { releaseId },
        form: { intent: "publish", confirm: "1" },
      });
      expect(post.status).toBe(403);
    }
    expect((await callLoader(indexRoute, { path: "/admin/instruments", cookie: null })).status).toBe(302);
    const row = await db.selectFrom("instrument_release").select("status").where("id", "=", releaseId).executeTakeFirstOrThrow();
    expect(row.status).toBe("draft");
  });

  test("publishing: new roll-outs freeze 1.1.0, the older assessment keeps 1.0.1 and still scores", async () => {
    const unknownIntent = await callAction(releaseRoute, {
      path: "/x",
      cookie: cookies.admin,
      params: { releaseId },
      form: { intent: "delete" },
    });
    expect(unknownIntent.status).toBe(400);
    // Without the confirmation nothing is published (issue #27).
    const unconfirmed = await callAction(releaseRoute, {
      path: "/x",
      cookie: cookies.admin,
      params: { releaseId },
      form: { intent: "publish" },
    });
    expect(unconfirmed.status).toBe(400);
    expect((unconfirmed.data as { formError: string }).formError).toBe("instruments.publishConfirmRequired");
    expect((await db.selectFrom("instrument_release").select("status").where("id", "=", releaseId).executeTakeFirstOrThrow()).status).toBe(
      "draft",
    );
    const out = await callAction(releaseRoute, {
      path: `/admin/instruments/${releaseId}`,
      cookie: cookies.admin,
      params: { releaseId },
      form: { intent: "publish", confirm: "1" },
    });
    expect(out.status, JSON.stringify(out.data)).toBe(200);
    const twice = await callAction(releaseRoute, {
      path: `/admin/instruments/${releaseId}`,
      cookie: cookies.admin,
      params: { releaseId },
      form: { intent: "publish", confirm: "1" },
    });
    expect(twice.status).toBe(409);
    expect((twice.data as { formError: string }).formError).toBe("instruments.notDraft");

    const release = await db.selectFrom("instrument_release").selectAll().where("id", "=", releaseId).executeTakeFirstOrThrow();
    expect(release.status).toBe("published");
    expect(release.content_hash).toBe(contentHash(release.content));
    const actions = await db.selectFrom("audit_log").select("action").where("entity_id", "=", releaseId).orderBy("at").execute();
    expect(actions.map((a) => a.action)).toEqual(["instrument.upload", "instrument.publish"]);

    expect((await publishedInstrumentsIn(db)).find((i) => i.id === "pmprb-2014")?.version).toBe("1.1.0");
    const page = await callLoader(assessmentsRoute, { path: "/assessments", cookie: cookies.admin });
    expect((page.data as { instruments: { id: string; version: string }[] }).instruments.find((i) => i.id === "pmprb-2014")?.version).toBe(
      "1.1.0",
    );

    const after = await rollOut(units[1]!.id);
    const rows = await db.selectFrom("assessment").select(["id", "instrument_hash"]).where("id", "in", [before, after]).execute();
    const hashOf = Object.fromEntries(rows.map((r) => [r.id, r.instrument_hash]));
    expect(hashOf[before]).toBe(pmprbHash());
    expect(hashOf[after]).toBe(release.content_hash);
    const frozen = await db
      .selectFrom("instrument_version")
      .select("content")
      .where("hash", "=", release.content_hash)
      .executeTakeFirstOrThrow();
    expect(frozen.content).toBe(release.content);

    const oldCtx = await requireAssessment(db, admin, before);
    const newCtx = await requireAssessment(db, admin, after);
    expect(oldCtx.instrument.version).toBe("1.0.1");
    expect(newCtx.instrument.version).toBe("1.1.0");
    // The item dropped in 1.1.0 is still answerable and scored in the 1.0.1 assessment, refused in the new one.
    expect((await saveAnswer(db, admin, oldCtx, { itemId: "A.1.ii.e", baseVersion: 0, value: "A", note: null })).ok).toBe(true);
    await expect(saveAnswer(db, admin, newCtx, { itemId: "A.1.ii.e", baseVersion: 0, value: "A", note: null })).rejects.toThrow();
    const score = scoreAssessment(oldCtx.instrument, { "A.1.ii.e": "A" });
    expect(score.nodes["A.1.ii.e"]?.value).toBe(1);
    expect(score.total).toBeGreaterThan(0);
  });

  test("carry-forward into the new version follows the release's item-id mapping", async () => {
    const oldCtx = await requireAssessment(db, admin, before);
    await saveAnswer(db, admin, oldCtx, { itemId: "A.1.i.b", baseVersion: 0, value: "B", note: "dari 2019" });
    await saveAnswer(db, admin, oldCtx, { itemId: "A.1.i.a", baseVersion: 0, value: "A", note: null });
    const next = newId();
    const org = await db.selectFrom("unit").select("organisation_id").where("id", "=", units[0]!.id).executeTakeFirstOrThrow();
    await makePeriod(db, org.organisation_id, 2020, { id: next, name: "2020" });
    const { created } = await createAssessments(db, admin, {
      unitIds: [units[0]!.id],
      periodId: next,
      instrumentId: "pmprb-2014",
      carryForward: true,
    });
    const rows = await db
      .selectFrom("answer")
      .select(["item_id", "value_json", "note", "carried_over"])
      .where("assessment_id", "=", created[0]!)
      .execute();
    const byId = Object.fromEntries(rows.map((r) => [r.item_id, r]));
    // A.1.i.b became A.1.i.z; A.1.i.a kept its id; A.1.ii.e (answered in 1.0.1, dropped in 1.1.0) is not carried.
    expect(byId["A.1.i.z"]).toMatchObject({ value_json: '"B"', note: "dari 2019", carried_over: 1 });
    expect(byId["A.1.i.a"]).toMatchObject({ value_json: '"A"', carried_over: 1 });
    expect(byId["A.1.i.b"]).toBeUndefined();
    expect(byId["A.1.ii.e"]).toBeUndefined();
  });

  test("the blank LKE template is of the published release", async () => {
    const out = await callLoader(templateRoute, {
      path: "/lke/template/pmprb-2014",
      cookie: cookies.coordinator,
      params: { instrument: "pmprb-2014" },
    });
    expect(out.status).toBe(200);
    expect((await currentInstrument(db, "pmprb-2014"))?.source.kind).toBe("release");
  });

  test("a draft uploaded over 1.1.0 goes stale when another version is published first", async () => {
    const v12 = await uploadRelease(db, admin, { text: pmprbNext("1.2.0"), fileName: "1.2.0.yaml" });
    expect(v12.against?.version).toBe("1.1.0");
    const v13 = await uploadRelease(db, admin, { text: pmprbNext("1.3.0"), fileName: "1.3.0.yaml" });
    await publishRelease(db, admin, v13.release.id);
    const page = await callLoader(releaseRoute, { path: "/x", cookie: cookies.admin, params: { releaseId: v12.release.id } });
    expect((page.data as ReleaseView).stale).toBe(true);
    const out = await callAction(releaseRoute, {
      path: "/x",
      cookie: cookies.admin,
      params: { releaseId: v12.release.id },
      form: { intent: "publish", confirm: "1" },
    });
    expect(out.status).toBe(409);
    expect((out.data as { formError: string }).formError).toBe("instruments.stale");
    expect((await freezeInstrument(db, "pmprb-2014"))?.instrument.version).toBe("1.3.0");
  });
});

test("a new family: no previous version, no diff, a roll-out can use it once published", async () => {
  const text = editYaml(contentText("zi-2021"), (d) => {
    d.id = "zi-2031";
    d.version = "2031.1.0";
    delete d.applies_to;
  });
  const withMapping = await uploadRelease(db, admin, { text, fileName: "zi-2031.yaml", mappingText: '{"from":"x","items":{}}' }).catch(
    (e: unknown) => e as ReleaseError,
  );
  expect((withMapping as ReleaseError).issues).toEqual([
    { at: "mapping", key: "instrument.mapping.noPrevious", params: { instrument: "zi-2031" } },
  ]);
  expect((withMapping as ReleaseError).issues.map(englishIssue)).toEqual(["mapping: zi-2031 has no published version to map from"]);
  const view = await uploadRelease(db, admin, { text, fileName: "zi-2031.yaml" });
  expect(view.release.previousHash).toBeNull();
  expect(view.diff).toBeNull();
  expect((await publishedInstrumentsIn(db)).map((i) => i.id)).not.toContain("zi-2031");
  await expect(
    createAssessments(db, admin, { unitIds: [units[2]!.id], periodId, instrumentId: "zi-2031", carryForward: false }),
  ).rejects.toThrow();
  await publishRelease(db, admin, view.release.id);
  expect((await publishedInstrumentsIn(db)).map((i) => i.id)).toContain("zi-2031");
  const id = await rollOut(units[2]!.id, "zi-2031");
  expect((await requireAssessment(db, admin, id)).instrument.id).toBe("zi-2031");
});

test("a release page that does not exist is a 404", async () => {
  const out = await callLoader(releaseRoute, { path: "/x", cookie: cookies.admin, params: { releaseId: newId() } });
  expect(out.status).toBe(404);
  const post = await callAction(releaseRoute, { path: "/x", cookie: cookies.admin, params: {}, form: { intent: "publish" } });
  expect(post.status).toBe(404);
});
