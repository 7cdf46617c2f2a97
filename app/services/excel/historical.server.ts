/*
 * Historical import, workbook side (issue #26): reads a past workbook's answer column groups (the
 * official PMPRB workbook has one per year, an evaluated one the evaluator's beside the unit's),
 * scores each with the one engine for the preview, keeps them between preview and confirmation
 * (`historical_preview`), and hands the chosen groups to workbench/historical.server.ts, which
 * creates the final sealed assessment. Used by `/assessments/historical` and `cermin lke historical`.
 */
import { createHash } from "node:crypto";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { scopesFor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import type { Instrument } from "~/domain/instrument/schema";
import type { Answers } from "~/domain/scoring/answers";
import type { LkeLayer } from "~/domain/lke/layout";
import { buildTree, flattenTree } from "~/services/admin/units.server";
import { publishedInstrumentsIn, currentInstruments } from "~/services/instruments/frozen.server";
import { canOnUnit } from "~/services/workbench/assessments.server";
import {
  checkHistoricalTarget,
  createHistoricalAssessment,
  HistoricalImportError,
  isHistoricalPeriod,
  scoreLayer,
  type HistoricalResult,
} from "~/services/workbench/historical.server";
import { newId } from "~/utils/ids";
import { readWorkbookGroups } from "./score-workbook.server";

type ReadGroup = Awaited<ReturnType<typeof readWorkbookGroups>>["groups"][number];

/** Cermin's own layout names its layer groups "Jawaban", "Jawaban TPI", "Jawaban TPN": notes of that layer only. */
function layerOfHeader(header: string): LkeLayer {
  if (/\bTPN\b/i.test(header)) return "external";
  if (/\bTPI\b/i.test(header)) return "internal";
  return "self";
}

/** A group as stored between preview and confirmation, with its score for the preview. */
export interface StoredGroup {
  index: number;
  header: string;
  answerColumn: string;
  answers: Answers;
  notes: Record<string, string>;
  answered: number;
  total: number;
  predicate: string | null;
}

function storedGroup(instrument: Instrument, g: ReadGroup): StoredGroup {
  const layers = new Set(g.parsed.cells.map((c) => c.layer));
  const layer = layers.size > 1 ? layerOfHeader(g.group.header) : null;
  const notes: Record<string, string> = {};
  for (const c of g.parsed.cells) if (c.note?.trim() && (layer === null || c.layer === layer)) notes[c.itemId] = c.note.trim();
  const score = scoreLayer(instrument, g.answers);
  return {
    index: g.group.index,
    header: g.group.header,
    answerColumn: g.group.answerColumn,
    answers: g.answers,
    notes,
    answered: score.answered,
    total: score.total,
    predicate: score.predicate,
  };
}

export interface WorkbookFile {
  name: string;
  bytes: Uint8Array;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * Reads the workbook against the instrument a new assessment of the family would freeze and checks it
 * is that instrument's workbook: the reader must recognise at least half of its items (a ZI workbook
 * read as PMPRB recognises next to none).
 */
async function readFor(instrument: Instrument, file: WorkbookFile) {
  const read = await readWorkbookGroups(file.bytes, file.name, [instrument], instrument.id);
  if (read.instrument.id !== instrument.id)
    throw new HistoricalImportError("historical.wrongInstrument", `${read.instrument.id} ≠ ${instrument.id}`);
  const recognised = read.groups[0]?.parsed.recognised;
  if (recognised && recognised.itemsTotal > 0 && recognised.items * 2 < recognised.itemsTotal) {
    throw new HistoricalImportError("historical.wrongInstrument", `${recognised.items}/${recognised.itemsTotal}`);
  }
  if (read.groups.length === 0) throw new HistoricalImportError("historical.noAnswers");
  return {
    ...read,
    groups: read.groups.map((g) => storedGroup(instrument, g)),
    recognised: recognised ?? null,
    unmatched: read.groups[0]?.parsed.unmatched.length ?? 0,
  };
}

export interface HistoricalPreviewView {
  id: string;
  fileName: string;
  sha256: string;
  unit: { id: string; name: string };
  period: { id: string; year: number; name: string };
  instrument: { id: string; version: string; title: string };
  layout: "cermin" | "official";
  recognised: { items: number; itemsTotal: number; answered: number } | null;
  unmatched: number;
  groups: Omit<StoredGroup, "answers" | "notes">[];
  usedAt: string | null;
}

/** What historical_preview.groups_json holds. */
interface StoredPreview {
  layout: "cermin" | "official";
  recognised: HistoricalPreviewView["recognised"];
  unmatched: number;
  instrument: HistoricalPreviewView["instrument"];
  groups: StoredGroup[];
}

/**
 * The page's first step: checks the target (permission, period, no assessment yet, instrument), reads
 * the workbook's groups, scores each, and keeps them for confirmHistoricalImport. Returns the stored
 * preview's id (historicalPreview shows it). Nothing else changes.
 */
export async function previewHistoricalImport(
  db: Db,
  actor: Actor,
  input: { unitId: string; periodId: string; instrumentId: string; file: WorkbookFile },
): Promise<string> {
  const target = await checkHistoricalTarget(db, actor, input);
  const read = await readFor(target.frozen.instrument, input.file);
  const i = target.frozen.instrument;
  const stored: StoredPreview = {
    layout: read.layout,
    recognised: read.recognised,
    unmatched: read.unmatched,
    instrument: { id: i.id, version: i.version, title: i.title },
    groups: read.groups,
  };
  const id = newId();
  await db
    .insertInto("historical_preview")
    .values({
      id,
      user_id: actor.id,
      unit_id: target.unit.id,
      period_id: target.period.id,
      instrument_id: input.instrumentId,
      file_name: input.file.name,
      file_sha256: sha256(input.file.bytes),
      groups_json: JSON.stringify(stored),
      created_at: new Date().toISOString(),
      used_at: null,
    })
    .execute();
  return id;
}

/** A stored preview of the actor's, with each group's score (answers left out). 404 when it is not theirs. */
export async function historicalPreview(db: Db, actor: Actor, previewId: string): Promise<HistoricalPreviewView> {
  const row = await db
    .selectFrom("historical_preview as h")
    .innerJoin("unit as u", "u.id", "h.unit_id")
    .innerJoin("period as p", "p.id", "h.period_id")
    .selectAll("h")
    .select(["u.name as unit_name", "p.year", "p.name as period_name"])
    .where("h.id", "=", previewId)
    .executeTakeFirst();
  if (!row || row.user_id !== actor.id) throw notFound();
  const stored = JSON.parse(row.groups_json) as StoredPreview;
  return {
    id: row.id,
    fileName: row.file_name,
    sha256: row.file_sha256,
    unit: { id: row.unit_id, name: row.unit_name },
    period: { id: row.period_id, year: Number(row.year), name: row.period_name },
    instrument: stored.instrument,
    layout: stored.layout,
    recognised: stored.recognised,
    unmatched: stored.unmatched,
    groups: stored.groups.map(({ answers: _a, notes: _n, ...g }) => g),
    usedAt: row.used_at,
  };
}

/** The chosen groups of a stored preview become the final historical assessment (the preview is used once). */
export async function confirmHistoricalImport(
  db: Db,
  actor: Actor,
  previewId: string,
  choice: { selfGroup: number; externalGroup: number | null },
): Promise<HistoricalResult> {
  const row = await db.selectFrom("historical_preview").selectAll().where("id", "=", previewId).executeTakeFirst();
  if (!row) throw notFound();
  if (row.user_id !== actor.id) throw forbidden();
  if (row.used_at) throw new HistoricalImportError("historical.previewUsed");
  const { groups } = JSON.parse(row.groups_json) as StoredPreview;
  const pick = (index: number) => {
    const g = groups.find((x) => x.index === index);
    if (!g) throw new HistoricalImportError("historical.unknownGroup", String(index));
    return g;
  };
  if (choice.externalGroup !== null && choice.externalGroup === choice.selfGroup) throw new HistoricalImportError("historical.sameGroup");
  const self = pick(choice.selfGroup);
  const external = choice.externalGroup === null ? null : pick(choice.externalGroup);
  const claimed = await db
    .updateTable("historical_preview")
    .set({ used_at: new Date().toISOString() })
    .where("id", "=", previewId)
    .where("used_at", "is", null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) throw new HistoricalImportError("historical.previewUsed");
  try {
    return await createHistoricalAssessment(db, actor, {
      unitId: row.unit_id,
      periodId: row.period_id,
      instrumentId: row.instrument_id,
      file: { name: row.file_name, sha256: row.file_sha256 },
      self: { answers: self.answers, notes: self.notes, header: self.header },
      ...(external ? { external: { answers: external.answers, notes: external.notes, header: external.header } } : {}),
    });
  } catch (e) {
    // Refused: the preview may be confirmed again once the cause is fixed (e.g. another choice of groups).
    await db.updateTable("historical_preview").set({ used_at: null }).where("id", "=", previewId).execute();
    throw e;
  }
}

/** A group named by its header (case and spacing ignored) or its answer column letter; none named: the first. */
export function findGroup<G extends { header: string; answerColumn: string }>(groups: G[], wanted: string | undefined): G {
  if (wanted === undefined) {
    const first = groups[0];
    if (!first) throw new HistoricalImportError("historical.noAnswers");
    return first;
  }
  const norm = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();
  const hit =
    groups.find((g) => norm(g.header) === norm(wanted)) ?? groups.find((g) => g.answerColumn.toUpperCase() === wanted.trim().toUpperCase());
  if (!hit)
    throw new HistoricalImportError(
      "historical.unknownGroup",
      `${wanted} (${groups.map((g) => `"${g.header}" [${g.answerColumn}]`).join(", ")})`,
    );
  return hit;
}

/**
 * The CLI's one step: reads the workbook, picks the self group (`layer`, default the first) and
 * optionally the external group, and creates the final historical assessment. Without `instrumentId`
 * the family is the one the reader finds among the current published versions.
 */
export async function importHistoricalWorkbook(
  db: Db,
  actor: Actor,
  input: { unitId: string; periodId: string; instrumentId?: string; file: WorkbookFile; layer?: string; externalLayer?: string },
): Promise<
  HistoricalResult & {
    groups: Omit<StoredGroup, "answers" | "notes">[];
    self: string;
    external: string | null;
    instrumentId: string;
    sha256: string;
  }
> {
  let instrumentId = input.instrumentId;
  if (!instrumentId)
    instrumentId = (
      await readWorkbookGroups(
        input.file.bytes,
        input.file.name,
        (await currentInstruments(db)).map((c) => c.instrument),
      )
    ).instrument.id;
  const target = await checkHistoricalTarget(db, actor, { unitId: input.unitId, periodId: input.periodId, instrumentId });
  const read = await readFor(target.frozen.instrument, input.file);
  const self = findGroup(read.groups, input.layer);
  const external = input.externalLayer === undefined ? null : findGroup(read.groups, input.externalLayer);
  if (external && external.index === self.index) throw new HistoricalImportError("historical.sameGroup");
  const hash = sha256(input.file.bytes);
  const result = await createHistoricalAssessment(db, actor, {
    unitId: input.unitId,
    periodId: input.periodId,
    instrumentId,
    file: { name: input.file.name, sha256: hash },
    self: { answers: self.answers, notes: self.notes, header: self.header },
    ...(external ? { external: { answers: external.answers, notes: external.notes, header: external.header } } : {}),
  });
  return {
    ...result,
    groups: read.groups.map(({ answers: _a, notes: _n, ...g }) => g),
    self: self.header,
    external: external?.header ?? null,
    instrumentId,
    sha256: hash,
  };
}

/** What the page offers: units the actor may roll out for, historical periods of their organisations, the instruments. */
export async function historicalOptions(db: Db, actor: Actor) {
  const orgIds = actor.isAdmin
    ? (await db.selectFrom("organisation").select("id").where("archived_at", "is", null).execute()).map((o) => o.id)
    : [...new Set(scopesFor(actor, "assessment.create").map((m) => m.organisationId))];
  if (orgIds.length === 0) return { units: [], periods: [], instruments: [] };
  const units = await db.selectFrom("unit").selectAll().where("organisation_id", "in", orgIds).where("archived_at", "is", null).execute();
  const allowed = flattenTree(buildTree(units)).filter((u) => canOnUnit(actor, "assessment.create", u));
  const periods = await db
    .selectFrom("period")
    .innerJoin("organisation", "organisation.id", "period.organisation_id")
    .select(["period.id", "period.year", "period.name", "period.status", "organisation.name as organisationName"])
    .where("period.organisation_id", "in", orgIds)
    .orderBy("period.year", "desc")
    .execute();
  return {
    units: allowed.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    periods: periods
      .filter((p) => isHistoricalPeriod({ year: Number(p.year), status: p.status }))
      .map((p) => ({ id: p.id, year: Number(p.year), name: p.name, organisationName: p.organisationName })),
    instruments: (await publishedInstrumentsIn(db)).map((i) => ({ id: i.id, title: i.title, version: i.version })),
  };
}

/** Whether the actor may use the historical import at all (the assessments list links to it). */
export function mayImportHistorical(actor: Actor): boolean {
  return actor.isAdmin || scopesFor(actor, "assessment.create").length > 0;
}
