import type { Db } from "#db/client.server";
import { type OrganisationKind } from "#db/schema";
import { orgResults, ownResult, resultSnapshotIds, type OrgResult } from "#db/queries/rollup";
import type { Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import { COMPARISON_TOLERANCE } from "~/domain/scoring/thresholds";
import { peerModel } from "./model.server";
import { type NationalValue } from "./national.server";
import { accessTo, rollupScope } from "./scope.server";
import { chooseYear, isHidden, peerFigures, type RollupQuery, type SubcomponentRow, share } from "./rollup.server";

/*
 * One organisation's roll-up page (issue #30): its result against the peer group's average, its rows and
 * targets, the year before, and a province's regencies. The overview and the CSV are in rollup.server.ts.
 */

export interface OwnIndicator {
  id: string;
  label: string;
  parentId: string;
  percent: number | null;
  filled: boolean;
  score: number | null;
  target: number | null;
  met: boolean | null;
  previousPercent: number | null;
  /** Peer figures of the row (absent when withheld). */
  peerMean: number | null;
  peerMetShare: number | null;
}

export interface OrganisationRollup {
  access: "full" | "own";
  /** Whether the viewer may go back to the overview (several organisations in scope). */
  overview: boolean;
  organisation: { id: string; name: string; kind: OrganisationKind; parentId: string | null; parentName: string | null };
  years: number[];
  year: number | null;
  model: { instrumentId: string; title: string } | null;
  result: { layer: string; total: number; predicate: string | null; rank: number | null; of: number | null; assessmentId: string } | null;
  previous: { year: number; total: number; predicate: string | null } | null;
  subcomponents: (SubcomponentRow & { own: number | null })[];
  indicators: OwnIndicator[];
  targets: {
    rows: number;
    met: number;
    share: number | null;
    peerShare: number | null;
    unmet: { id: string; label: string; target: number; score: number | null }[];
  };
  peer: { organisations: number; meanTotal: number | null; national: NationalValue | null; predicates: Record<string, number> } | null;
  hidden: boolean;
  alone: boolean;
  regencies: { rows: OrgResult[]; count: number } | null;
}

const numberOf = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * One organisation's roll-up page: its result against the peer group. With `own` access (an organisation
 * user) nothing names or identifies another organisation: not the parent, not the regencies, no list.
 */
export async function organisationRollup(
  db: Db,
  actor: Actor,
  organisationId: string,
  q: RollupQuery,
  locale: string,
): Promise<OrganisationRollup> {
  const scope = await rollupScope(db, actor);
  if (scope.mode === "none") throw forbidden();
  const access = accessTo(scope, organisationId);
  if (!access) throw notFound();
  const org = await db
    .selectFrom("organisation")
    .select(["id", "name", "kind", "parent_id", "archived_at"])
    .where("id", "=", organisationId)
    .executeTakeFirst();
  if (!org || org.archived_at) throw notFound();
  const parent =
    access === "full" && org.parent_id && accessTo(scope, org.parent_id) === "full"
      ? await db.selectFrom("organisation").select("name").where("id", "=", org.parent_id).executeTakeFirst()
      : undefined;
  const { years, year } = await chooseYear(db, q.year, org.id);
  const base: OrganisationRollup = {
    access,
    overview: scope.mode !== "own",
    organisation: { id: org.id, name: org.name, kind: org.kind, parentId: parent ? org.parent_id : null, parentName: parent?.name ?? null },
    years,
    year,
    model: null,
    result: null,
    previous: null,
    subcomponents: [],
    indicators: [],
    targets: { rows: 0, met: 0, share: null, peerShare: null, unmet: [] },
    peer: null,
    hidden: false,
    alone: false,
    regencies: null,
  };
  if (year === null) return base;
  const visible = scope.mode === "all" ? null : scope.mode === "own" ? scope.ownIds : scope.organisationIds!;
  // A province's regencies, whether or not the province itself has a result that year; read beside the rest.
  const regencyList = async (): Promise<OrganisationRollup["regencies"]> => {
    if (access !== "full" || org.kind !== "pemda_provinsi") return null;
    const kab = await peerModel(db, year, "pemda_kabkota", locale);
    if (!kab) return { rows: [], count: 0 };
    const ids = await resultSnapshotIds(db, kab.model.filter);
    return orgResults(db, ids, { organisationIds: visible, parentId: org.id, targets: kab.model.targets, limit: 500, offset: 0 });
  };
  const previousYear = years.find((y) => y < year) ?? null;
  const [regencies, peer, previousPeer] = await Promise.all([
    regencyList(),
    peerModel(db, year, org.kind, locale, q.instrument),
    previousYear === null ? Promise.resolve(null) : peerModel(db, previousYear, org.kind, locale),
  ]);
  if (!peer) return { ...base, regencies };
  const model = peer.model;
  const previousModel = previousPeer?.model ?? null;
  const [own, prevOwn] = await Promise.all([
    ownResult(db, model.filter, org.id),
    previousModel ? ownResult(db, previousModel.filter, org.id) : Promise.resolve(null),
  ]);
  const figures = await peerFigures(db, model, null, visible, null, own?.total ?? null);
  const hidden = isHidden(scope, figures.summary);
  const alone = scope.mode !== "all" && figures.summary.organisations - figures.summary.visible === 0 && access === "own";
  const withhold = hidden || alone;
  const ownNode = new Map((own?.nodes ?? []).map((n) => [n.nodeId, n]));
  const prevNode = new Map((prevOwn?.nodes ?? []).map((n) => [n.nodeId, n]));
  const pct = (n: { value: number; max: number; answered: number } | undefined) =>
    n && n.answered > 0 && n.max > 0 ? (n.value / n.max) * 100 : null;
  const peerRow = new Map(figures.indicators.map((i) => [i.id, i]));
  const indicators: OwnIndicator[] = model.indicators.map((def) => {
    const n = ownNode.get(def.id);
    const score = def.target ? numberOf(own?.answers[def.target.itemId]) : null;
    const p = peerRow.get(def.id);
    return {
      id: def.id,
      label: def.label,
      parentId: def.parentId,
      percent: pct(n),
      filled: (n?.answered ?? 0) > 0,
      score,
      target: def.target?.target ?? null,
      met: def.target && own ? score !== null && score >= def.target.target - COMPARISON_TOLERANCE : null,
      previousPercent: pct(prevNode.get(def.id)),
      peerMean: withhold ? null : (p?.mean ?? null),
      peerMetShare: withhold ? null : (p?.metShare ?? null),
    };
  });
  const withTarget = indicators.filter((i) => i.target !== null);
  const metCount = withTarget.filter((i) => i.met).length;
  const subcomponents = figures.subcomponents.map((sc) => {
    const n = ownNode.get(sc.id);
    return { ...sc, mean: withhold ? null : sc.mean, own: n && n.max > 0 ? (n.value / n.max) * 100 : null };
  });
  return {
    ...base,
    model: { instrumentId: model.filter.instrumentId, title: model.title },
    result: own
      ? {
          layer: own.layer,
          total: own.total,
          predicate: own.predicate,
          rank: withhold ? null : figures.summary.higher + 1,
          of: withhold ? null : figures.summary.organisations,
          assessmentId: own.assessmentId,
        }
      : null,
    previous: prevOwn && previousYear !== null ? { year: previousYear, total: prevOwn.total, predicate: prevOwn.predicate } : null,
    subcomponents,
    indicators,
    targets: {
      rows: own ? withTarget.length : 0,
      met: metCount,
      share: own ? share(metCount, withTarget.length) : null,
      peerShare: withhold ? null : figures.targets.share,
      unmet: withTarget.filter((i) => i.met === false).map((i) => ({ id: i.id, label: i.label, target: i.target!, score: i.score })),
    },
    peer: withhold
      ? null
      : {
          organisations: figures.summary.organisations,
          meanTotal: figures.summary.meanTotal,
          national: figures.national.total ?? null,
          predicates: figures.summary.predicates,
        },
    hidden,
    alone,
    regencies,
  };
}
