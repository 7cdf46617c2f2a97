import type { Db } from "#db/client.server";
import { isUniqueViolation } from "#db/errors";
import type { InstrumentRelease, ReleaseStatus } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { notFound, requirePermission } from "~/auth/require.server";
import { diffInstruments, type InstrumentDiff } from "~/domain/instrument/diff";
import { checkItemMapping, ItemMappingSchema, parseItemMapping, type ItemMapping } from "~/domain/instrument/mapping";
import { InstrumentError, parseInstrument } from "~/domain/instrument/parse";
import type { Instrument } from "~/domain/instrument/schema";
import type { InstrumentIssue } from "~/domain/instrument/issues";
import type { MessageKey } from "~/i18n";
import { englishIssue, type KeyedIssue } from "~/i18n/instrument-issues";
import { compareVersions } from "~/domain/instrument/version";
import { INSTRUMENT_MAX_BYTES } from "~/utils/constants";
import { newId } from "~/utils/ids";
import { writeAudit } from "~/services/admin/audit.server";
import { currentInstrument, currentInstruments, getFrozenInstrument, releaseInstrument, type CurrentInstrument } from "./frozen.server";
import { contentHash, loadInstruments } from "./catalog.server";

/*
 * Instrument versions uploaded in the app (issue #13): a system administrator uploads a YAML file (and
 * optionally an item-id mapping to the previous version), sees what changes, and publishes it. From
 * then on new assessments freeze it; existing assessments keep the version they froze.
 */

export type ReleaseErrorKey = "instruments.invalid" | "instruments.notDraft" | "instruments.stale";

/** The release rules' own problems (the file's are the instrument domain's keys). */
type ReleaseIssueKey = Extract<
  MessageKey,
  `instrument.release.${string}` | "instrument.mapping.noPrevious" | "instrument.mapping.fromMismatch"
>;
/** One problem of an upload: the instrument's (validation, mapping) or a release rule's, a key with parameters. */
export type ReleaseIssue = InstrumentIssue | InstrumentIssue<ReleaseIssueKey>;

const releaseIssue = (at: string, key: ReleaseIssueKey, params: InstrumentIssue["params"] = {}): ReleaseIssue => ({ at, key, params });

/**
 * An upload or publish that cannot go ahead; `issues` name each problem's row with a message key and
 * its parameters, which the page translates. The exception's own message is the English rendering.
 */
export class ReleaseError extends Error {
  override readonly name = "ReleaseError";
  constructor(
    readonly key: ReleaseErrorKey,
    readonly issues: KeyedIssue[] = [],
  ) {
    super(`${key}${issues.length ? `\n${issues.map((i) => `  - ${englishIssue(i)}`).join("\n")}` : ""}`);
  }
}

export interface ReleaseSummary {
  id: string;
  instrumentId: string;
  version: string;
  title: string;
  status: ReleaseStatus;
  fileName: string;
  contentHash: string;
  previousHash: string | null;
  hasMapping: boolean;
  uploadedBy: string | null;
  uploadedAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
}

export interface ReleaseView {
  release: ReleaseSummary;
  /** The version the diff compares with (the one published when the release was uploaded); null for a new family. */
  against: { version: string; hash: string } | null;
  /** Null for a new family, or when the previous text is no longer anywhere to be found. */
  diff: InstrumentDiff | null;
  mapping: ItemMapping | null;
  /** A draft whose previous version is no longer the published one: it must be uploaded again. */
  stale: boolean;
}

export interface FamilySummary {
  id: string;
  title: string;
  version: string;
  hash: string;
  source: "content" | "release";
}

export interface UploadInput {
  text: string;
  fileName: string;
  mappingText?: string | null;
  mappingFileName?: string | null;
}

const requireSystemAdmin = (actor: Actor) => requirePermission(actor, "system.manage", { type: "system" });

const tooLarge = (at: string) => releaseIssue(at, "instrument.release.tooLarge", { mb: INSTRUMENT_MAX_BYTES / 1048576 });

/** A mapping names its previous version by version string, full hash, or a hash prefix of 12+ characters. */
function mappingMatches(from: string, current: CurrentInstrument): boolean {
  const f = from.toLowerCase();
  return compareVersions(from, current.instrument.version) === 0 || (f.length >= 12 && current.hash.startsWith(f));
}

function releaseIssues(
  next: Instrument,
  hash: string,
  current: CurrentInstrument | null,
  existing: Pick<InstrumentRelease, "version" | "status">[],
  fileName: string,
): ReleaseIssue[] {
  const issues: ReleaseIssue[] = [];
  const named = { version: next.version, instrument: next.id };
  if (next.status !== "published") issues.push(releaseIssue("status", "instrument.release.notPublished"));
  const content = loadInstruments().find((l) => l.instrument.id === next.id);
  if (content && compareVersions(content.instrument.version, next.version) === 0) {
    issues.push(releaseIssue("version", "instrument.release.inContent", { ...named, existing: content.instrument.version }));
  }
  for (const r of existing) {
    if (compareVersions(r.version, next.version) === 0) {
      const key = r.status === "draft" ? "instrument.release.uploadedDraft" : "instrument.release.uploadedPublished";
      issues.push(releaseIssue("version", key, { ...named, existing: r.version }));
    }
  }
  if (current && compareVersions(next.version, current.instrument.version) <= 0 && !issues.some((i) => i.at === "version")) {
    issues.push(releaseIssue("version", "instrument.release.notNewer", { ...named, current: current.instrument.version }));
  }
  if (current && current.hash === hash) issues.push(releaseIssue(fileName, "instrument.release.identical"));
  return issues;
}

function mappingIssues(
  text: string,
  sourceName: string,
  next: Instrument,
  current: CurrentInstrument | null,
): { mapping: ItemMapping | null; issues: ReleaseIssue[] } {
  const parsed = parseItemMapping(text, sourceName);
  if (!parsed.ok) return { mapping: null, issues: parsed.issues };
  if (!current) return { mapping: null, issues: [releaseIssue(sourceName, "instrument.mapping.noPrevious", { instrument: next.id })] };
  const issues: ReleaseIssue[] = [];
  if (!mappingMatches(parsed.mapping.from, current)) {
    issues.push(
      releaseIssue(sourceName, "instrument.mapping.fromMismatch", {
        from: parsed.mapping.from,
        instrument: next.id,
        version: current.instrument.version,
        hash: current.hash.slice(0, 12),
      }),
    );
  }
  issues.push(...checkItemMapping(parsed.mapping, current.instrument, next));
  return { mapping: parsed.mapping, issues };
}

/**
 * Validates an uploaded instrument file and stores it as a draft release of its family (the file's
 * `id`; a new id starts a new family). Refused, with every problem named: an invalid instrument, a
 * version that exists already or is not newer than the published one, a mapping that does not fit.
 * Returns the release with its diff against the family's published version.
 * @throws ReleaseError
 */
export async function uploadRelease(db: Db, actor: Actor, input: UploadInput): Promise<ReleaseView> {
  requireSystemAdmin(actor);
  const fileName = input.fileName.trim().slice(0, 200) || "instrument.yaml";
  const mappingName = input.mappingFileName?.trim() || "mapping";
  if (Buffer.byteLength(input.text, "utf8") > INSTRUMENT_MAX_BYTES) throw new ReleaseError("instruments.invalid", [tooLarge(fileName)]);
  if (input.mappingText && Buffer.byteLength(input.mappingText, "utf8") > INSTRUMENT_MAX_BYTES) {
    throw new ReleaseError("instruments.invalid", [tooLarge(mappingName)]);
  }
  let next: Instrument;
  try {
    next = parseInstrument(input.text, fileName);
  } catch (e) {
    if (e instanceof InstrumentError) throw new ReleaseError("instruments.invalid", e.issues);
    throw e;
  }
  const hash = contentHash(input.text);
  const current = await currentInstrument(db, next.id);
  const existing = await db.selectFrom("instrument_release").select(["version", "status"]).where("instrument_id", "=", next.id).execute();
  const issues = releaseIssues(next, hash, current, existing, fileName);
  const mapped = input.mappingText?.trim() ? mappingIssues(input.mappingText, mappingName, next, current) : { mapping: null, issues: [] };
  issues.push(...mapped.issues);
  if (issues.length > 0) throw new ReleaseError("instruments.invalid", issues);

  const id = newId();
  const now = new Date().toISOString();
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("instrument_release")
        .values({
          id,
          instrument_id: next.id,
          version: next.version,
          status: "draft",
          title: next.title,
          file_name: fileName,
          content: input.text,
          content_hash: hash,
          mapping_json: mapped.mapping ? JSON.stringify(mapped.mapping) : null,
          previous_hash: current?.hash ?? null,
          uploaded_by: actor.id,
          uploaded_at: now,
          published_by: null,
          published_at: null,
        })
        .execute();
      await writeAudit(trx, {
        actorUserId: actor.id,
        organisationId: null,
        action: "instrument.upload",
        entityType: "instrument_release",
        entityId: id,
        after: {
          instrumentId: next.id,
          version: next.version,
          contentHash: hash,
          previousHash: current?.hash ?? null,
          mapping: mapped.mapping !== null,
        },
      });
    });
  } catch (e) {
    // Another upload of the same version won the race.
    if (isUniqueViolation(e))
      throw new ReleaseError("instruments.invalid", [
        releaseIssue("version", "instrument.release.uploaded", { version: next.version, instrument: next.id }),
      ]);
    throw e;
  }
  return getReleaseView(db, actor, id);
}

/**
 * Publishes a draft: new assessments of its family freeze it from now on. Refused when the family's
 * published version changed since the upload (the diff and mapping were checked against another one).
 * @throws ReleaseError, or a 404 Response
 */
export async function publishRelease(db: Db, actor: Actor, id: string): Promise<ReleaseView> {
  requireSystemAdmin(actor);
  const row = await db.selectFrom("instrument_release").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound();
  if (row.status !== "draft") throw new ReleaseError("instruments.notDraft");
  const current = await currentInstrument(db, row.instrument_id);
  if ((current?.hash ?? null) !== row.previous_hash) throw new ReleaseError("instruments.stale");
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("instrument_release")
      .set({ status: "published", published_by: actor.id, published_at: now })
      .where("id", "=", id)
      .where("status", "=", "draft")
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new ReleaseError("instruments.notDraft");
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: null,
      action: "instrument.publish",
      entityType: "instrument_release",
      entityId: id,
      before: { status: "draft", currentHash: current?.hash ?? null },
      after: { status: "published", instrumentId: row.instrument_id, version: row.version, contentHash: row.content_hash },
    });
  });
  return getReleaseView(db, actor, id);
}

function releaseQuery(db: Db) {
  return db
    .selectFrom("instrument_release as r")
    .leftJoin("user as up", "up.id", "r.uploaded_by")
    .leftJoin("user as pub", "pub.id", "r.published_by")
    .select([
      "r.id",
      "r.instrument_id",
      "r.version",
      "r.title",
      "r.status",
      "r.file_name",
      "r.content_hash",
      "r.previous_hash",
      "r.mapping_json",
      "r.uploaded_at",
      "r.published_at",
      "up.name as uploader",
      "pub.name as publisher",
    ]);
}

type ReleaseRow = Awaited<ReturnType<ReturnType<typeof releaseQuery>["executeTakeFirstOrThrow"]>>;

const summaryOf = (r: ReleaseRow): ReleaseSummary => ({
  id: r.id,
  instrumentId: r.instrument_id,
  version: r.version,
  title: r.title,
  status: r.status,
  fileName: r.file_name,
  contentHash: r.content_hash,
  previousHash: r.previous_hash,
  hasMapping: r.mapping_json !== null,
  uploadedBy: r.uploader,
  uploadedAt: r.uploaded_at,
  publishedBy: r.publisher,
  publishedAt: r.published_at,
});

/** Every uploaded release, newest first per family. */
export async function listReleases(db: Db, actor: Actor): Promise<ReleaseSummary[]> {
  requireSystemAdmin(actor);
  const rows = await releaseQuery(db).orderBy("r.instrument_id").orderBy("r.uploaded_at", "desc").execute();
  return rows.map(summaryOf);
}

/** Per family, the version new assessments get now, and where it comes from. */
export async function listFamilies(db: Db, actor: Actor): Promise<FamilySummary[]> {
  requireSystemAdmin(actor);
  return (await currentInstruments(db)).map((c) => ({
    id: c.instrument.id,
    title: c.instrument.title,
    version: c.instrument.version,
    hash: c.hash,
    source: c.source.kind,
  }));
}

/** The instrument whose text has this hash: a content file, a release, or a frozen version. */
async function instrumentByHash(db: Db, family: string, hash: string): Promise<Instrument | null> {
  const content = loadInstruments().find((l) => l.contentHash === hash);
  if (content) return content.instrument;
  const release = await db.selectFrom("instrument_release").select("content").where("content_hash", "=", hash).executeTakeFirst();
  if (release) return releaseInstrument(hash, release.content, family);
  const frozen = await db.selectFrom("instrument_version").select("hash").where("hash", "=", hash).executeTakeFirst();
  return frozen ? getFrozenInstrument(db, hash) : null;
}

/** One release with its diff against the version it was uploaded over. */
export async function getReleaseView(db: Db, actor: Actor, id: string): Promise<ReleaseView> {
  requireSystemAdmin(actor);
  const row = await releaseQuery(db).where("r.id", "=", id).executeTakeFirst();
  if (!row) throw notFound();
  const content = await db.selectFrom("instrument_release").select("content").where("id", "=", id).executeTakeFirstOrThrow();
  const next = releaseInstrument(row.content_hash, content.content, row.instrument_id);
  const mapping = row.mapping_json === null ? null : ItemMappingSchema.parse(JSON.parse(row.mapping_json));
  const prev = row.previous_hash === null ? null : await instrumentByHash(db, row.instrument_id, row.previous_hash);
  let stale = false;
  if (row.status === "draft") {
    const current = await currentInstrument(db, row.instrument_id);
    stale = (current?.hash ?? null) !== row.previous_hash;
  }
  return {
    release: summaryOf(row),
    against: prev && row.previous_hash ? { version: prev.version, hash: row.previous_hash } : null,
    diff: prev ? diffInstruments(prev, next, mapping?.items) : null,
    mapping,
    stale,
  };
}
