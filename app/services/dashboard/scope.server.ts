import type { Db } from "#db/client.server";
import type { SnapshotFilter } from "#db/queries/dashboard";
import { scopesFor, type Action, type Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import type { Instrument } from "~/domain/instrument/schema";
import type { DashboardQuery } from "~/components/dashboard/query";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";

export interface PeriodOption {
  id: string;
  year: number;
  name: string;
  status: string;
}

export interface DashboardScope {
  organisation: { id: string; name: string };
  organisations: { id: string; name: string }[];
  /** The chosen unit subtree, if any. */
  subtree: { id: string; name: string; path: string } | null;
  /** Units with children in scope: the subtree filter's options. */
  subtrees: { id: string; name: string; depth: number }[];
  instrumentId: string;
  instruments: string[];
  /** The newest frozen version in use, for labels, weights and thresholds; null when nothing is assessed yet. */
  instrument: Instrument | null;
  periods: PeriodOption[];
  filter: SnapshotFilter;
  /** Subtrees where the viewer may read evaluator layers; [] = nowhere. */
  evalPaths: string[] | null;
  query: DashboardQuery;
}

/** Drops paths inside another path of the list. */
function outermost(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort((a, b) => a.length - b.length);
  return sorted.filter((p, i) => !sorted.slice(0, i).some((q) => p.startsWith(q)));
}

/**
 * The unit subtrees of `orgId` where `action` is allowed, cut down to `subtree` when one is chosen:
 * null = the whole organisation, [] = nowhere.
 */
export function pathsFor(actor: Actor, action: Action, orgId: string, subtree: string | null): string[] | null {
  if (actor.isAdmin) return subtree ? [subtree] : null;
  const ms = scopesFor(actor, action).filter((m) => m.organisationId === orgId);
  if (ms.length === 0) return [];
  if (ms.some((m) => m.unitPath === null)) return subtree ? [subtree] : null;
  const own = ms.map((m) => m.unitPath!);
  if (!subtree) return outermost(own);
  const out: string[] = [];
  for (const p of own) {
    if (subtree.startsWith(p)) out.push(subtree);
    else if (p.startsWith(subtree)) out.push(p);
  }
  return outermost(out);
}

async function organisationsInScope(db: Db, actor: Actor): Promise<{ id: string; name: string }[]> {
  let q = db.selectFrom("organisation").select(["id", "name"]).where("archived_at", "is", null).orderBy("name");
  if (!actor.isAdmin) {
    const ids = [...new Set(scopesFor(actor, "assessment.read").map((m) => m.organisationId))];
    if (ids.length === 0) return [];
    q = q.where("id", "in", ids);
  }
  return q.execute();
}

/**
 * Resolves the query string against the viewer's scope. Throws 403 when the viewer reads no
 * assessments anywhere, 404 for an organisation, unit or period outside their scope (indistinguishable
 * from one that does not exist).
 */
export async function resolveScope(db: Db, actor: Actor, query: DashboardQuery): Promise<DashboardScope> {
  const organisations = await organisationsInScope(db, actor);
  if (organisations.length === 0) throw forbidden();
  const organisation = query.org ? organisations.find((o) => o.id === query.org) : organisations[0];
  if (!organisation) throw notFound();

  let subtree: DashboardScope["subtree"] = null;
  if (query.unit) {
    const unit = await db
      .selectFrom("unit")
      .select(["id", "name", "path"])
      .where("id", "=", query.unit)
      .where("organisation_id", "=", organisation.id)
      .executeTakeFirst();
    if (!unit) throw notFound();
    subtree = unit;
  }
  const unitPaths = pathsFor(actor, "assessment.read", organisation.id, subtree?.path ?? null);
  if (unitPaths !== null && unitPaths.length === 0) throw notFound();
  const evalPaths = pathsFor(actor, "evaluation.read", organisation.id, subtree?.path ?? null);

  const instrumentRows = await db
    .selectFrom("assessment")
    .select("instrument_id")
    .distinct()
    .where("organisation_id", "=", organisation.id)
    .orderBy("instrument_id")
    .execute();
  const instruments = instrumentRows.map((r) => r.instrument_id);
  if (query.instrument && !instruments.includes(query.instrument)) throw notFound();
  const instrumentId = query.instrument ?? (instruments.includes("zi-2021") ? "zi-2021" : (instruments[0] ?? "zi-2021"));
  const latest = await db
    .selectFrom("assessment")
    .select("instrument_hash")
    .where("organisation_id", "=", organisation.id)
    .where("instrument_id", "=", instrumentId)
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  const instrument = latest ? await getFrozenInstrument(db, latest.instrument_hash) : null;

  const periods = await db
    .selectFrom("period")
    .select(["id", "year", "name", "status"])
    .where("organisation_id", "=", organisation.id)
    .orderBy("year")
    .execute();
  if (query.period && !periods.some((p) => p.id === query.period)) throw notFound();

  const parents = await db
    .selectFrom("unit as u")
    .select(["u.id", "u.name", "u.path"])
    .where("u.organisation_id", "=", organisation.id)
    .where("u.archived_at", "is", null)
    .where((eb) => eb.exists(eb.selectFrom("unit as c").select("c.id").whereRef("c.parent_id", "=", "u.id")))
    .orderBy("u.path")
    .execute();
  const readable = pathsFor(actor, "assessment.read", organisation.id, null);
  const subtrees = parents
    .filter((u) => readable === null || readable.some((p) => u.path.startsWith(p)))
    .map((u) => ({ id: u.id, name: u.name, depth: u.path.split("/").length - 3 }));

  return {
    organisation,
    organisations,
    subtree,
    subtrees,
    instrumentId,
    instruments,
    instrument,
    periods: periods.map((p) => ({ ...p, year: Number(p.year) })),
    filter: { organisationId: organisation.id, instrumentId, unitPaths },
    evalPaths,
    query,
  };
}
