import type { Db } from "#db/client.server";
import { CompiledQuery, type Insertable } from "kysely";
import type { Database, Layer } from "#db/schema";
import { outlineOf } from "~/domain/instrument/outline";
import type { Instrument, Item } from "~/domain/instrument/schema";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";
import { newId } from "~/utils/ids";
import { mulberry32 } from "~/utils/random";
import { insertPeriod } from "./period";
import { demoAnswer } from "./demo-assessments.server";
import { freezeInstrument } from "~/services/instruments/frozen.server";
import { snapshotRows } from "~/services/workbench/snapshots.server";

export interface ScaleOptions {
  /** Assessed (leaf) units; parent units are added above them, 20 per directorate and 10 directorates per echelon I. */
  units: number;
  /** Closed periods with final snapshots; one more, open period follows with assessments being filled. */
  periods: number;
  /** Deterministic data for the same seed. */
  seed?: number;
  name?: string;
  instrumentId?: string;
  /** Share of final assessments with a released internal evaluator (TPI) layer; a third of those also get TPN. */
  evaluatorShare?: number;
}

export interface ScaleResult {
  organisationId: string;
  unitIds: string[];
  periodIds: string[];
  assessments: number;
  snapshots: number;
  nodeRows: number;
  answerRows: number;
  ms: number;
}

type Table = keyof Database;

/**
 * Batches rows into multi-row INSERTs under the bind-parameter limits (SQLite 32,766; PostgreSQL
 * 65,535). When one table's batch is full every table is flushed, in first-seen order, so parents
 * (assessment, snapshot) always reach the database before the rows that reference them.
 */
export class Batcher {
  private pending = new Map<Table, Record<string, unknown>[]>();
  /** SQL text per table and row count: compiled once by Kysely (so placeholders fit the dialect), then reused. */
  private compiled = new Map<string, string>();
  count = new Map<Table, number>();
  constructor(private readonly db: Db) {}

  async add<T extends Table>(table: T, row: Insertable<Database[T]>): Promise<void> {
    const list = this.pending.get(table) ?? [];
    list.push(row as Record<string, unknown>);
    this.pending.set(table, list);
    this.count.set(table, (this.count.get(table) ?? 0) + 1);
    if (list.length * Object.keys(row).length >= 30_000) await this.flush();
  }

  async flush(): Promise<void> {
    for (const t of this.pending.keys()) {
      const rows = this.pending.get(t);
      if (!rows?.length) continue;
      this.pending.set(t, []);
      const key = `${t}:${rows.length}`;
      const cached = this.compiled.get(key);
      if (cached) {
        const columns = Object.keys(rows[0]!);
        await this.db.executeQuery(
          CompiledQuery.raw(
            cached,
            rows.flatMap((r) => columns.map((c) => r[c])),
          ),
        );
        continue;
      }
      const query = this.db
        .insertInto(t)
        .values(rows as never)
        .compile();
      this.compiled.set(key, query.sql);
      await this.db.executeQuery(query);
    }
  }
}

export function answerRow(assessmentId: string, layer: Layer, itemId: string, value: AnswerValue, at: string, carried = 0) {
  return {
    id: newId(),
    assessment_id: assessmentId,
    layer,
    item_id: itemId,
    value_json: JSON.stringify(value),
    note: null,
    version: 1,
    carried_over: carried,
    review_status: layer === "self" ? ("approved" as const) : ("pending" as const),
    review_note: null,
    updated_by: null,
    updated_at: at,
  };
}

/** Stores a snapshot with the same rows as storeSnapshot (snapshotRows), batched across assessments. */
export async function addSnapshot(
  b: Batcher,
  instrument: Instrument,
  hash: string,
  assessmentId: string,
  layer: Layer,
  answers: Answers,
  at: string,
): Promise<void> {
  const { snapshot, nodes } = snapshotRows({ assessmentId, instrumentHash: hash, instrument, layer, answers, actorId: null, now: at });
  await b.add("score_snapshot", snapshot);
  for (const n of nodes) await b.add("score_snapshot_node", n);
}

/**
 * A plausible answer for a unit of the given quality. Survey and index scores follow quality closely
 * (as the survey results of good units do), so the better units reach the WBK thresholds.
 */
function scaleAnswer(item: Item, quality: number, rnd: () => number): AnswerValue {
  const jitter = (rnd() - 0.5) * 0.3;
  if (item.type === "survey_0_4") return Math.round(Math.min(4, Math.max(0, 2.75 + quality * 1.3 + jitter)) * 100) / 100;
  if (item.type === "index_score") return Math.round(Math.min(100, Math.max(0, 55 + quality * 45 + jitter * 20)));
  return demoAnswer(item, quality, rnd);
}

/** An evaluator's corrections: a few items answered less generously than the team did. */
function evaluatorAnswers(items: Item[], self: Answers, rnd: () => number, share: number): Answers {
  const out: Answers = {};
  for (const item of items) {
    if (rnd() > share || self[item.id] === undefined) continue;
    const v = scaleAnswer(item, 0.15, rnd);
    if (v !== null) out[item.id] = v;
  }
  return out;
}

/**
 * A large organisation for benchmarks and load tests (`cermin db seed --scale 1000x5`): echelon-I units,
 * directorates and `units` service units; `periods` closed periods in which every service unit has a
 * final assessment with its snapshot (every node row), some with released evaluator layers; and an
 * open period in which every unit is filling its assessment. Answers drift upwards over the years.
 */
export async function seedScale(db: Db, opts: ScaleOptions): Promise<ScaleResult> {
  const started = performance.now();
  const rnd = mulberry32(opts.seed ?? 20261123);
  const instrumentId = opts.instrumentId ?? "zi-2021";
  const frozen = await freezeInstrument(db, instrumentId);
  if (!frozen) throw new Error(`unknown or unpublished instrument ${instrumentId}`);
  const { instrument, hash } = frozen;
  const items = [...outlineOf(instrument).items.values()];
  const now = new Date().toISOString();
  const orgId = newId();
  const unitIds: string[] = [];
  const periodIds: string[] = [];
  const lastYear = new Date().getUTCFullYear() - 1;
  const firstYear = lastYear - opts.periods;
  const evaluatorShare = opts.evaluatorShare ?? 0.25;
  let assessments = 0;

  let counts = new Map<Table, number>();
  await db.transaction().execute(async (trx) => {
    const tb = new Batcher(trx);
    counts = tb.count;
    await trx
      .insertInto("organisation")
      .values({
        id: orgId,
        name: opts.name ?? `Kementerian Skala ${opts.units}×${opts.periods}`,
        kind: "kementerian_lembaga",
        code: `SKALA-${orgId.slice(0, 6)}`,
        archived_at: null,
        created_at: now,
      })
      .execute();
    const unit = async (parent: { id: string; path: string } | null, name: string, kind: string) => {
      const id = newId();
      const path = `${parent?.path ?? "/"}${id}/`;
      await tb.add("unit", {
        id,
        organisation_id: orgId,
        parent_id: parent?.id ?? null,
        path,
        name,
        kind,
        code: null,
        archived_at: null,
        created_at: now,
      });
      return { id, path };
    };
    const leaves: { id: string; quality: number; slope: number }[] = [];
    let e1: { id: string; path: string } | null = null;
    let dir: { id: string; path: string } | null = null;
    for (let i = 0; i < opts.units; i++) {
      const d = Math.floor(i / 20);
      if (i % 20 === 0) {
        if (d % 10 === 0) e1 = await unit(null, `Direktorat Jenderal ${d / 10 + 1}`, "eselon1");
        dir = await unit(e1, `Direktorat ${d + 1}`, "eselon2");
      }
      const leaf = await unit(dir, `Kantor Layanan ${String(i + 1).padStart(4, "0")}`, "unit_layanan");
      leaves.push({ id: leaf.id, quality: 0.1 + rnd() * 0.65, slope: 0.01 + rnd() * 0.05 });
      unitIds.push(leaf.id);
    }
    await tb.flush();

    for (let year = firstYear + 1; year <= lastYear + 1; year++) {
      const open = year === lastYear + 1;
      const periodId = await insertPeriod(trx, { organisationId: orgId, year, status: open ? "open" : "closed", now });
      periodIds.push(periodId);
      const at = open ? now : `${year + 1}-05-15T03:00:00.000Z`;
      for (const leaf of leaves) {
        const id = newId();
        assessments++;
        const quality = Math.min(0.95, leaf.quality + leaf.slope * (year - firstYear - 1));
        const fraction = open ? 0.05 + rnd() * 0.9 : 1;
        await tb.add("assessment", {
          id,
          organisation_id: orgId,
          unit_id: leaf.id,
          period_id: periodId,
          instrument_id: instrumentId,
          instrument_hash: hash,
          status: open ? (rnd() < 0.2 ? "submitted" : "draft") : "final",
          carried_from_id: null,
          created_by: null,
          created_at: at,
          updated_at: at,
          submitted_at: open ? null : at,
          finalised_at: open ? null : at,
          finalised_by: null,
        });
        const answers: Answers = {};
        for (const item of items) {
          if (rnd() > fraction) continue;
          const v = scaleAnswer(item, quality, rnd);
          if (v !== null) answers[item.id] = v;
        }
        for (const [itemId, v] of Object.entries(answers))
          await tb.add("answer", answerRow(id, "self", itemId, v, at, open && rnd() < 0.3 ? 1 : 0));
        if (open) continue;
        await addSnapshot(tb, instrument, hash, id, "self", answers, at);
        if (rnd() >= evaluatorShare) continue;
        const layers: Layer[] = rnd() < 1 / 3 ? ["internal", "external"] : ["internal"];
        for (const layer of layers) {
          const own = evaluatorAnswers(items, answers, rnd, 0.12);
          for (const [itemId, v] of Object.entries(own)) await tb.add("answer", answerRow(id, layer, itemId, v, at));
          await tb.add("layer_release", {
            id: newId(),
            assessment_id: id,
            layer,
            released_at: at,
            released_by: null,
            revoked_at: null,
            revoked_by: null,
            revoke_reason: null,
          });
          await addSnapshot(tb, instrument, hash, id, layer, { ...answers, ...own }, `${year + 1}-07-01T03:00:00.000Z`);
        }
      }
      await tb.flush();
    }
  });
  const c = (t: Table) => counts.get(t) ?? 0;
  return {
    organisationId: orgId,
    unitIds,
    periodIds,
    assessments,
    snapshots: c("score_snapshot"),
    nodeRows: c("score_snapshot_node"),
    answerRows: c("answer"),
    ms: Math.round(performance.now() - started),
  };
}

/** Parses "UNITSxPERIODS" (e.g. "1000x5"); null when malformed or out of range. */
export function parseScale(spec: string): { units: number; periods: number } | null {
  const m = /^(\d{1,6})\s*[x×]\s*(\d{1,2})$/i.exec(spec.trim());
  if (!m) return null;
  const units = Number(m[1]);
  const periods = Number(m[2]);
  if (units < 1 || units > 100_000 || periods < 1 || periods > 30) return null;
  return { units, periods };
}
