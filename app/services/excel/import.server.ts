/*
 * Importing a filled LKE workbook into an assessment: a preview first (per item old → new answer
 * and note, score before → after, unmatched rows, conflicts with changes made in Cermin since the
 * export), kept server-side so that apply.server.ts can apply it without a second upload.
 *
 * Guards (issue #26): a workbook in which no answer or too few items could be read is refused, naming
 * the columns read; answers the workbook would clear (blank cell over an answered item) are applied
 * only when the user says so (`allowClear` at apply), and the default "after" score leaves them out;
 * the columns of a layer the user may not see are ignored as if absent.
 */
import { createHash } from "node:crypto";
import type { Db } from "#db/client.server";
import type { Answer, Layer } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { outlineOf } from "~/domain/instrument/outline";
import { sameAnswer } from "~/domain/lke/cells";
import { lkeIssue, lkeMessage } from "~/domain/lke/issues";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import type { MessageKey } from "~/i18n";
import { newId } from "~/utils/ids";
import { editorRole, parseValue, WorkbenchError } from "~/services/workbench/answers.server";
import { canOnUnit, type AssessmentContext } from "~/services/workbench/assessments.server";
import { canWriteLayer, loadLayerRows, mergeLayers, visibleLayers, type EvaluatorLayer } from "~/services/evaluation/layer-rows.server";
import { itemEditable, stageOpen, todayWib } from "~/services/workbench/rules";
import { assignedItemsOf } from "~/services/workbench/assignment.server";
import { LkeError, openWorkbook, tryParseWorkbook, type ParsedWorkbook, type UnmatchedRow } from "./read.server";
import { hiddenLayerGroup, readGroup, recognisedOf, refuseUnreadable } from "./import-checks.server";
import type { AnswerGroup } from "./sheet.server";

export interface ImportChange {
  layer: Layer;
  itemId: string;
  areaId: string | null;
  cell: string;
  before: { value: AnswerValue; note: string | null; version: number } | null;
  after: { value: AnswerValue; note: string | null };
  /** The answer's version when the workbook was exported (null: unknown, e.g. a template or the official workbook). */
  exportedVersion: number | null;
  answerChanged: boolean;
  /** http(s) links in `Bukti dukung` that the item does not have yet (links are only added). */
  newLinks: string[];
  /** Changed in Cermin since the export and different in the workbook: applied only when chosen. */
  conflict: boolean;
  /**
   * Why this change cannot be applied by this user now (shown, never applied): a message key,
   * translated on the page (a preview stored before keys may hold the Indonesian sentence).
   */
  blocked: BlockedKey | null;
  /**
   * The workbook's blank answer cell would clear an answered item (see `isClearance`): applied only
   * when the user explicitly allows clearing.
   */
  clears: boolean;
}

/**
 * A clearance: the item has an answer in Cermin and the workbook's answer cell is blank. Only the
 * answer counts: a change that clears the note only (answer kept) is an ordinary change, since it
 * does not unanswer the item or move the score, and a blank note is how a user removes a note in Excel.
 * Evaluator layers never get here unblocked (their answers cannot be cleared from a workbook).
 * Computed from the change itself so that a preview stored before this field existed is judged the same.
 */
export function isClearance(c: Pick<ImportChange, "layer" | "answerChanged" | "before" | "after">): boolean {
  return c.answerChanged && c.before !== null && c.before.value !== null && c.after.value === null;
}

export interface ScoreBrief {
  total: number;
  max: number;
  predicate: string | null;
  verdicts: Array<{ id: string; label: string; pass: boolean }>;
  areas: Array<{ id: string; label: string; weight: number; value: number }>;
}

export interface ImportPreview {
  importId: string | null;
  assessmentId: string;
  fileName: string;
  sha256: string;
  layout: "cermin" | "official";
  /** The sheet read. */
  sheet: string;
  /** Answer column groups the user may choose from (layers the user may not see left out). */
  groups: AnswerGroup[];
  /** The group read (official workbooks) or the unit's own answer group (Cermin's layout); null when unknown. */
  group: AnswerGroup | null;
  /** The reader read one group of several (official workbooks): the user may choose another. Null: every group at once. */
  chosenGroup: number | null;
  recognised: ParsedWorkbook["recognised"];
  changes: ImportChange[];
  unmatched: UnmatchedRow[];
  before: ScoreBrief;
  /** The score after an apply without clearing (conflicts not taken): what the apply produces by default. */
  after: ScoreBrief;
  /** Unblocked clearances (`clears`): left out unless the user allows clearing. */
  clearances: number;
  /** The score after an apply that also clears them (null: nothing to clear). */
  afterClearing: ScoreBrief | null;
  /** Nothing but clearances could be applied: an apply without allowing clearing is refused. */
  onlyClears: boolean;
  /** Items the workbook has that equal Cermin's answers. */
  unchanged: number;
  createdAt: string;
}

export const MAX_WORKBOOK_BYTES = 20 * 1024 * 1024;

export const changeKey = (c: Pick<ImportChange, "layer" | "itemId">) => `${c.layer}:${c.itemId}`;

/** Why a change is blocked (app/i18n/lke.{id,en}.ts). */
export type BlockedKey = Extract<MessageKey, `lke.blocked.${string}`>;

function brief(ctx: AssessmentContext, answers: Answers): ScoreBrief {
  const r = scoreAssessment(ctx.instrument, answers);
  return {
    total: r.total,
    max: r.max,
    predicate: r.predicate?.code ?? null,
    verdicts: Object.values(r.zi ?? {}).map((v) => ({ id: v.id, label: v.label, pass: v.pass })),
    areas: outlineOf(ctx.instrument).areas.map((a) => ({ id: a.id, label: a.label, weight: a.weight, value: r.nodes[a.id]?.value ?? 0 })),
  };
}

/** Why the actor may not change this item of this layer now, or null (the same rules as the editor and the evaluator screen). */
function blockedReason(
  actor: Actor,
  ctx: AssessmentContext,
  layer: Layer,
  row: Answer | undefined,
  assigned: Set<string> | null,
  itemId: string,
): BlockedKey | null {
  if (layer === "self") {
    // A101/A102 of the 2024 worksheets come from the Rencana Aksi, never from a workbook (issue #29).
    if (outlineOf(ctx.instrument).items.get(itemId)?.computed_from) return "lke.blocked.computed";
    const role = editorRole(actor, ctx);
    if (!role) return "lke.blocked.notEditor";
    if (ctx.assessment.status === "final") return "lke.blocked.final";
    if (!itemEditable(ctx.assessment.status, role, row?.review_status ?? null)) {
      return ctx.assessment.status === "returned" ? "lke.blocked.notReturned" : "lke.blocked.submitted";
    }
    if (role === "assessor" && assigned && !assigned.has(itemId)) return "lke.blocked.notAssigned";
    return null;
  }
  if (!canWriteLayer(actor, ctx, layer as EvaluatorLayer)) return layer === "internal" ? "lke.blocked.layer.internal" : "lke.blocked.layer.external";
  if (ctx.assessment.status === "draft") return "lke.blocked.draft";
  return null;
}

/**
 * Reads the workbook, checks it against the assessment's frozen instrument, and computes the preview.
 * Stores it (for apply) when there is something the actor may apply. @throws LkeError for a bad workbook.
 */
export async function previewImport(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  file: { name: string; bytes: Uint8Array },
  opts: { group?: string } = {},
): Promise<ImportPreview> {
  if (file.bytes.length > MAX_WORKBOOK_BYTES) {
    throw new LkeError([lkeIssue(null, null, "lke.issue.tooLarge", { file: file.name, mib: MAX_WORKBOOK_BYTES / 1048576 })]);
  }
  const opened = await openWorkbook(file.bytes, file.name);
  const { meta } = opened;
  const inst = ctx.instrument;
  // An official workbook names no instrument: it is read against the assessment's, and one of
  // another instrument is refused below because too few of its rows are recognised.
  if (opened.layout === "cermin") {
    if (!meta.instrumentId) throw new LkeError([lkeIssue("Utama", null, "lke.issue.noInstrument")]);
    if (meta.instrumentId !== inst.id || (meta.instrumentVersion && meta.instrumentVersion !== inst.version)) {
      throw new LkeError([
        lkeIssue("Utama", null, "lke.issue.otherInstrument", {
          workbook: `${meta.instrumentId} ${meta.instrumentVersion ?? ""}`.trimEnd(),
          assessment: `${inst.id} ${inst.version}`,
        }),
      ]);
    }
    if (meta.instrumentHash && meta.instrumentHash !== ctx.assessment.instrument_hash) {
      throw new LkeError([
        lkeIssue("Utama", null, "lke.issue.otherContent", {
          workbook: meta.instrumentHash.slice(0, 12),
          assessment: ctx.assessment.instrument_hash.slice(0, 12),
          version: inst.version,
        }),
      ]);
    }
    if (meta.assessmentId && meta.assessmentId !== ctx.assessment.id) {
      throw new LkeError([lkeIssue("Utama", null, "lke.issue.otherAssessment", { workbook: meta.assessmentId, assessment: ctx.assessment.id })]);
    }
  }
  // Read without throwing first: a workbook of another instrument (or one Cermin can barely follow)
  // is refused for that, not with a list of every row that did not fit.
  const { parsed, issues } = tryParseWorkbook(opened, inst, opts.group ? { group: opts.group } : undefined);
  // Columns of a layer the user may not see are ignored as if the workbook did not have them: no
  // change row, no `before`, no count, no message (an unreleased evaluator layer stays hidden).
  const visible = new Set<Layer>(await visibleLayers(db, actor, ctx));
  const cells = parsed.cells.filter((c) => visible.has(c.layer));
  const groups = parsed.groups.filter((g) => !hiddenLayerGroup(g, visible));
  if (opts.group && opened.layout === "cermin") {
    const wanted = opts.group.trim().toLowerCase();
    if (!groups.some((g) => g.header.toLowerCase() === wanted || g.answerColumn.toLowerCase() === wanted))
      throw new LkeError([
        lkeIssue(parsed.sheet, null, "lke.issue.unknownGroup", {
          group: opts.group,
          groups: groups.map((g) => lkeMessage("lke.issue.group", { header: g.header, column: g.answerColumn })),
        }),
      ]);
  }
  const group = readGroup(parsed, groups);
  const recognised = recognisedOf(parsed, cells);
  if (recognised.items < recognised.itemsTotal / 2) refuseUnreadable(parsed.sheet, group, recognised, 0, `${inst.id} ${inst.version}`);
  if (issues.length) throw new LkeError(issues);
  const sha256 = createHash("sha256").update(file.bytes).digest("hex");
  // Only the layers the user may see are loaded: a hidden layer's rows never reach the preview.
  const rows = await loadLayerRows(db, ctx.assessment.id, [...visible]);
  const byKey = new Map<string, Answer>();
  for (const l of visible) for (const r of rows[l]) byKey.set(`${l}:${r.item_id}`, r);
  // Links the items already have (and Cermin's own download links) are not new.
  // One query for both: every evidence id of the assessment (Cermin's own download links are not new
  // links) and the live links each item already has.
  const evidence = await db
    .selectFrom("evidence")
    .leftJoin("evidence_item", (j) => j.onRef("evidence_item.evidence_id", "=", "evidence.id").on("evidence_item.removed_at", "is", null))
    .select(["evidence.id", "evidence.url", "evidence.removed_at", "evidence_item.item_id"])
    .where("evidence.assessment_id", "=", ctx.assessment.id)
    .execute();
  const ownIds = new Set(evidence.map((e) => e.id));
  const linkedUrls = new Set(evidence.filter((e) => e.url && e.item_id && !e.removed_at).map((e) => `${e.item_id} ${e.url}`));
  const role = editorRole(actor, ctx);
  // The editor's assignment rule (assignment.server.ts): null when it does not restrict this user.
  const assigned = await assignedItemsOf(db, actor, ctx, role);
  const outline = outlineOf(inst);
  const windowOpen = stageOpen(ctx.period, role === "coordinator" && ctx.assessment.status !== "draft" ? "review" : "fill", todayWib());

  const changes: ImportChange[] = [];
  let unchanged = 0;
  for (const c of cells) {
    const row = byKey.get(`${c.layer}:${c.itemId}`);
    const current = row ? parseValue(row.value_json) : null;
    const currentNote = row?.note ?? null;
    const answerChanged = !sameAnswer(current, c.value) || (currentNote ?? null) !== (c.note ?? null);
    const newLinks = c.links.filter((u) => {
      let url: URL;
      try {
        url = new URL(u);
      } catch {
        return false;
      }
      const own = /^\/evidence\/([^/]+)\/download$/.exec(url.pathname);
      if (own && ownIds.has(decodeURIComponent(own[1]!))) return false;
      return !linkedUrls.has(`${c.itemId} ${url.href}`);
    });
    if (!answerChanged && newLinks.length === 0) {
      unchanged++;
      continue;
    }
    // An evaluator layer's answer cannot be cleared from a workbook: clearing is an evaluator decision on screen.
    const exportedVersion = opened.layout === "cermin" && meta.assessmentId ? (opened.versions.get(`${c.layer}:${c.itemId}`) ?? 0) : null;
    const currentVersion = row?.version ?? 0;
    let blocked = blockedReason(actor, ctx, c.layer, row, assigned, c.itemId);
    if (!blocked && c.layer !== "self" && c.value === null && answerChanged)
      blocked = "lke.blocked.evaluatorClear";
    if (!blocked && c.layer === "self" && !windowOpen && !actor.isAdmin) {
      if (!canOnUnit(actor, "window.override", ctx.unit)) blocked = "lke.blocked.closed";
    }
    changes.push({
      layer: c.layer,
      itemId: c.itemId,
      areaId: outline.areaOfItem.get(c.itemId) ?? null,
      cell: c.cell,
      before: row ? { value: current, note: currentNote, version: currentVersion } : null,
      after: { value: c.value, note: c.note },
      exportedVersion,
      answerChanged,
      newLinks,
      conflict: exportedVersion !== null && exportedVersion !== currentVersion && answerChanged,
      blocked,
      clears: false,
    });
    const last = changes[changes.length - 1]!;
    last.clears = isClearance(last);
  }
  const clearances = changes.filter((c) => c.clears && !c.blocked).length;
  // An untouched blank export of this very assessment (a bulk zip's unfilled workbooks) changes nothing
  // and clears nothing: it previews as "no changes" instead of being refused.
  const untouchedOwnExport = opened.layout === "cermin" && meta.assessmentId === ctx.assessment.id && changes.length === 0;
  refuseUnreadable(parsed.sheet, group, recognised, clearances, `${inst.id} ${inst.version}`, untouchedOwnExport);

  const scoreLayers: Layer[] = ["self", ...(["internal", "external"] as const).filter((l) => canWriteLayer(actor, ctx, l))];
  const merged = mergeLayers(rows, scoreLayers).answers;
  const afterOf = (clearing: boolean) =>
    mergeLayers(
      {
        self: applyTo(rows.self, changes, "self", clearing),
        internal: applyTo(rows.internal, changes, "internal", clearing),
        external: applyTo(rows.external, changes, "external", clearing),
      },
      scoreLayers,
    ).answers;

  const createdAt = new Date().toISOString();
  const preview: ImportPreview = {
    importId: null,
    assessmentId: ctx.assessment.id,
    fileName: file.name.slice(0, 200),
    sha256,
    layout: opened.layout,
    sheet: parsed.sheet,
    groups,
    group,
    chosenGroup: parsed.chosenGroup,
    recognised,
    changes,
    unmatched: parsed.unmatched,
    before: brief(ctx, merged),
    after: brief(ctx, afterOf(false)),
    clearances,
    afterClearing: clearances ? brief(ctx, afterOf(true)) : null,
    onlyClears: clearances > 0 && !changes.some((c) => !c.blocked && (!c.clears || c.newLinks.length > 0)),
    unchanged,
    createdAt,
  };
  if (changes.some((c) => !c.blocked)) {
    preview.importId = newId();
    await db
      .insertInto("lke_import")
      .values({
        id: preview.importId,
        assessment_id: ctx.assessment.id,
        user_id: actor.id,
        file_name: preview.fileName,
        file_sha256: sha256,
        preview_json: JSON.stringify(preview),
        created_at: createdAt,
        applied_at: null,
      })
      .execute();
  }
  return preview;
}

/**
 * The layer's rows with the changes an apply makes (unblocked, conflicts not taken; clearances only
 * when `clearing`), for the "after" scores.
 */
function applyTo(rows: Answer[], changes: ImportChange[], layer: Layer, clearing: boolean): Answer[] {
  const out = new Map(rows.map((r) => [r.item_id, r]));
  for (const c of changes) {
    if (c.layer !== layer || c.blocked || c.conflict || !c.answerChanged || (c.clears && !clearing)) continue;
    const base = out.get(c.itemId);
    out.set(c.itemId, {
      ...(base ?? ({} as Answer)),
      item_id: c.itemId,
      layer,
      value_json: c.after.value === null ? null : JSON.stringify(c.after.value),
      note: c.after.note,
    });
  }
  return [...out.values()];
}

export { LkeError, WorkbenchError };
