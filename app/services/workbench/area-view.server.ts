import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { notFound } from "~/auth/require.server";
import { outlineOf, type OutlinePage } from "~/domain/instrument/outline";
import { itemEditable } from "./rules";
import { editorRole, itemKey, loadAnswers, parseValue } from "./answers.server";
import { summarise } from "./assessment-view.server";
import { canOnUnit, type AssessmentContext } from "./assessments.server";
import { evidenceMaxBytes, listEvidence } from "~/services/evidence/evidence.server";
import { openFollowUps } from "~/services/evaluation/findings.server";
import { loadLayerRows, visibleLayers } from "~/services/evaluation/layer-rows.server";
import { itemsTimeline, type TimelineEntry } from "./workflow.server";
import { assignedItemsOf, covers } from "./assignment.server";

/** Each item card shows its newest entries; the rest is counted ("N older entries"), not sent to the page. */
export const HISTORY_PER_ITEM = 20;
const HISTORY_FETCH = 2000;
import { itemInOpenRound, listRounds, ownIndividualAnswers, raterRound } from "~/services/blind/rounds.server";
import { blindScope, hiddenAuditIds, hiddenFrom } from "~/services/blind/visibility.server";

/** Everything the filling page of one area needs, checked against the actor's rights. */
export async function getAreaView(db: Db, actor: Actor, ctx: AssessmentContext, areaId: string) {
  const outline = outlineOf(ctx.instrument);
  // The page that shows this id: an area's own page, or the component page holding a worksheet row.
  const pageId = outline.pageOfArea.get(areaId) ?? (outline.pages.some((p) => p.id === areaId) ? areaId : null);
  const index = outline.pages.findIndex((p) => p.id === pageId);
  let area: OutlinePage | undefined = outline.pages[index];
  if (!area) throw notFound();
  // Rows of a multi-row page in an open blind round are rated on their own row page (the round is per area).
  const openRoundAreas =
    area.areaIds.length > 1
      ? new Set((await listRounds(db, ctx.assessment.id)).filter((r) => r.status === "open").map((r) => r.area_id))
      : new Set<string>();
  if (openRoundAreas.has(areaId)) {
    const single = outline.areas.find((a) => a.id === areaId)!;
    area = { ...single, areaIds: [single.id] };
  }
  const page = area;
  const blindRowItems = new Set(
    page.areaIds.length > 1
      ? page.groups.filter((g) => openRoundAreas.has(outline.areaOfItem.get(g.items[0]!.id) ?? "")).flatMap((g) => g.items.map((i) => i.id))
      : [],
  );
  const itemIds = area.groups.flatMap((g) => g.items.map((i) => i.id));
  const roundArea = page.areaIds.length === 1 ? page.areaIds[0]! : null;
  // The reads are independent: on PostgreSQL they go out together over the pool's connections
  // (one wait instead of ten round trips in a row); on SQLite they queue on the one connection.
  const [rows, allComments, entries, evidence, layerView, openFindings, assignments, rater, roundOpen, scope] = await Promise.all([
    loadAnswers(db, ctx.assessment.id),
    db
      .selectFrom("comment")
      .leftJoin("user", "user.id", "comment.author_id")
      .select(["comment.id", "comment.item_id", "comment.body", "comment.created_at", "comment.author_id", "user.name"])
      .where("comment.assessment_id", "=", ctx.assessment.id)
      .where("comment.item_id", "in", itemIds)
      .orderBy("comment.created_at")
      .execute(),
    itemsTimeline(db, ctx.assessment.id, itemIds, HISTORY_FETCH),
    // Blind rounds: another rater's evidence links of this round are left out (blind/visibility.server.ts).
    listEvidence(db, ctx.assessment.id, { id: actor.id, instrument: ctx.instrument }),
    visibleLayers(db, actor, ctx).then(async (all) => {
      const layers = all.filter((l) => l !== "self");
      return { layers, layerRows: await loadLayerRows(db, ctx.assessment.id, layers) };
    }),
    openFollowUps(db, ctx),
    db
      .selectFrom("assignment")
      .innerJoin("user", "user.id", "assignment.user_id")
      .select(["assignment.node_id", "user.name"])
      .where("assignment.assessment_id", "=", ctx.assessment.id)
      .execute(),
    // Penilaian bersama (issue #14): a named rater sees and edits only their own individual answers;
    // everybody else sees the self layer of a blind area read-only until the consensus.
    roundArea ? raterRound(db, actor, ctx, roundArea) : Promise.resolve(null),
    roundArea && itemIds.length > 0 ? itemInOpenRound(db, ctx, itemIds[0]!) : Promise.resolve(false),
    blindScope(db, ctx.assessment.id, ctx.instrument),
  ]);
  // Comments a rater wrote on an item of their open round are theirs alone until the reveal.
  const comments = allComments.filter((c) => !hiddenFrom(scope, actor.id, { itemId: c.item_id, authorId: c.author_id, at: c.created_at }));
  // The history leaves out the comments and evidence other raters added to items of their open round.
  const hiddenEntries = await hiddenAuditIds(db, ctx.assessment.id, scope, actor.id);
  const summary = summarise(ctx, rows);
  const role = editorRole(actor, ctx);
  const answers: Record<
    string,
    {
      value: unknown;
      note: string | null;
      version: number;
      carriedOver: boolean;
      reviewStatus: "pending" | "approved" | "returned";
      reviewNote: string | null;
    }
  > = {};
  for (const r of rows) {
    answers[r.item_id] = {
      value: parseValue(r.value_json),
      note: r.note,
      version: r.version,
      carriedOver: r.carried_over === 1,
      reviewStatus: r.review_status,
      reviewNote: r.review_note,
    };
  }
  // The assignment rule of the saves (assignment.server.ts): an assessor's items outside their assignment are read-only here too.
  const assigned = await assignedItemsOf(db, actor, ctx, role);
  const editable = itemIds.filter(
    (id) =>
      role !== null &&
      !blindRowItems.has(id) &&
      !outline.items.get(id)?.computed_from &&
      itemEditable(ctx.assessment.status, role, answers[id]?.reviewStatus ?? null) &&
      (assigned === null || assigned.has(id)),
  );
  const onPage = (nodeId: string) => page.areaIds.some((id) => covers(nodeId, id) || covers(id, nodeId));
  const areaAssignees = [...new Set(assignments.filter((a) => onPage(a.node_id)).map((a) => a.name))];
  /** Nothing of this area is assigned to this assessor: the page says so and who is assigned (issue #27). */
  const notAssigned = assigned !== null && !itemIds.some((id) => assigned.has(id)) ? { names: areaAssignees } : null;
  // Item history: answer, review and comment rows carry the item key; evidence rows name their items in before/after.
  const history: Record<string, TimelineEntry[]> = {};
  const olderHistory: Record<string, number> = {};
  const inArea = new Set(itemIds);
  for (const e of entries) {
    if (hiddenEntries.has(e.id)) continue;
    const targets = e.itemId ? [e.itemId] : evidenceItems(e.before).concat(evidenceItems(e.after));
    for (const id of new Set(targets)) {
      if (!inArea.has(id)) continue;
      const list = (history[id] ??= []);
      if (list.length < HISTORY_PER_ITEM) list.push(e);
      else olderHistory[id] = (olderHistory[id] ?? 0) + 1;
    }
  }
  // Released evaluator answers and earlier periods' open follow-ups, shown on the items they concern.
  const { layers, layerRows } = layerView;
  const evaluator: Record<string, { layer: string; value: unknown; note: string | null }> = {};
  for (const layer of layers) {
    for (const r of layerRows[layer])
      if (inArea.has(r.item_id)) evaluator[r.item_id] = { layer, value: parseValue(r.value_json), note: r.note };
  }
  const followUps: Record<string, { id: string; year: number; recommendation: string; status: string; action: string | null }[]> = {};
  for (const f of openFindings) {
    if (inArea.has(f.itemId))
      (followUps[f.itemId] ??= []).push({
        id: f.id,
        year: f.year,
        recommendation: f.recommendation,
        status: f.followUp.status,
        action: f.followUp.action,
      });
  }
  const blindOpen = rater !== null || roundOpen;
  const blind = blindOpen ? { rater: rater !== null, finished: rater?.finishedAt != null } : null;
  if (rater) {
    for (const key of Object.keys(answers)) delete answers[key];
    Object.assign(answers, await ownIndividualAnswers(db, actor, rater.roundId));
    for (const key of Object.keys(history)) delete history[key];
    for (const key of Object.keys(olderHistory)) delete olderHistory[key];
    for (const key of Object.keys(evaluator)) delete evaluator[key];
  }
  // Rows in an open round on a multi-row page: their answers stay on the row page, where the round's rules apply.
  for (const id of blindRowItems) {
    delete answers[id];
    delete history[id];
    delete olderHistory[id];
    delete evaluator[id];
  }
  const editableNow = !blind ? editable : rater && !rater.finishedAt && ctx.assessment.status !== "final" ? itemIds : [];
  const byArea = new Map(summary.areas.map((a) => [a.id, a]));
  // Why the fields of this page cannot be changed, when none can and no banner (assignment, blind round) says it already.
  const readOnly: { key: "workbench.readOnlyWhy.role" | "workbench.readOnlyWhy.status"; status?: string } | null =
    editableNow.length > 0 || notAssigned || blind
      ? null
      : role === null
        ? { key: "workbench.readOnlyWhy.role" }
        : { key: "workbench.readOnlyWhy.status", status: ctx.assessment.status };
  return {
    blind,
    notAssigned,
    readOnly,
    area: { id: area.id, label: area.label, weight: area.weight, path: area.path, groups: area.groups },
    /** Items on this page whose row is in an open blind round: rated on the row's own page. */
    blindRows: [...blindRowItems].map((id) => ({ itemId: id, areaId: outline.areaOfItem.get(id)! })),
    prev: outline.pages[index - 1]?.id ?? null,
    next: outline.pages[index + 1]?.id ?? null,
    /** The navigator: one entry per page, its confirmed answers over its items. */
    areas: outline.pages.map((p) => {
      const parts = p.areaIds.map((id) => byArea.get(id)).filter((a) => a !== undefined);
      return {
        id: p.id,
        label: p.label,
        confirmed: parts.reduce((n, a) => n + a.confirmed, 0),
        items: parts.reduce((n, a) => n + a.items, 0),
      };
    }),
    summary: { total: summary.total, max: summary.max },
    answers,
    editable: editableNow,
    comments: itemIds.reduce<Record<string, { id: string; author: string | null; body: string; at: string }[]>>((acc, id) => {
      acc[id] = comments.filter((c) => c.item_id === id).map((c) => ({ id: c.id, author: c.name, body: c.body, at: c.created_at }));
      return acc;
    }, {}),
    history,
    /** Per item: entries beyond the newest HISTORY_PER_ITEM (of the newest HISTORY_FETCH of the area; `atLeast` when that cap was hit). */
    olderHistory: { counts: olderHistory, atLeast: entries.length === HISTORY_FETCH },
    evidence: {
      byItem: Object.fromEntries(itemIds.map((id) => [id, evidence.byItem[id] ?? []])),
      all: evidence.all,
      maxBytes: evidenceMaxBytes(),
    },
    evaluator,
    followUps,
    assignees: assignments
      .filter((a) => page.areaIds.some((id) => a.node_id === id || a.node_id.startsWith(`${id}.`)))
      .map((a) => `${a.name} (${a.node_id})`),
    can: {
      review:
        canOnUnit(actor, "assessment.review", ctx.unit) && (ctx.assessment.status === "submitted" || ctx.assessment.status === "returned"),
      comment: canOnUnit(actor, "assessment.comment", ctx.unit),
      fill: role !== null,
    },
  };
}

function evidenceItems(v: unknown): string[] {
  if (!v || typeof v !== "object") return [];
  const ids = (v as { itemIds?: unknown; itemId?: unknown }).itemIds ?? (v as { itemId?: unknown }).itemId;
  if (Array.isArray(ids)) return ids.filter((x): x is string => typeof x === "string");
  return typeof ids === "string" ? [ids] : [];
}

export { itemKey };
