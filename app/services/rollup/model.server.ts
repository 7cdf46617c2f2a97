import type { Db } from "#db/client.server";
import type { OrganisationKind } from "#db/schema";
import { AGENCY_INSTRUMENT_PREFIXES, instrumentsOfYear, newestHash, type PeerFilter, type Target } from "#db/queries/rollup";
import { localizeInstrument } from "~/domain/instrument/localize";
import type { Instrument } from "~/domain/instrument/schema";
import { treeNodes, walkTree } from "~/domain/instrument/tree";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";

/**
 * The instrument side of a roll-up: which agency-level instrument a kind used in a year, and from its
 * newest frozen version the indicator rows (weighted groups that hold items), the sub-components above
 * them (component and subcomponent nodes) and the rows with a target baik.
 */

/** Evaluasi RB (rb-2023-*, rb-2024-*, later versions) and PMPRB: the instruments assessed once per organisation. */
export { AGENCY_INSTRUMENT_PREFIXES };
export const isAgencyInstrument = (id: string) => AGENCY_INSTRUMENT_PREFIXES.some((p) => id.startsWith(p));

export interface IndicatorDef {
  id: string;
  label: string;
  /** The tree level of the row (area or subarea), for the aggregate's index range. */
  level: string;
  /** The nearest component or subcomponent above it. */
  parentId: string;
  /** Every sub-component above it (component first). */
  ancestors: string[];
  /** The row's item with a target baik, if any, and the target. */
  target: Target | null;
}

export interface SubcomponentDef {
  id: string;
  label: string;
  depth: number;
  adjustment: boolean;
}

export interface PeerModel {
  filter: PeerFilter;
  title: string;
  indicators: IndicatorDef[];
  subcomponents: SubcomponentDef[];
  targets: Target[];
}

/** The instrument's rows and sub-components (pure: from the parsed, localized instrument). */
export function modelOf(instrument: Instrument): Pick<PeerModel, "indicators" | "subcomponents" | "targets" | "title"> {
  const targetOf = instrument.evaluation.portal_2025?.targets ?? {};
  const indicators: IndicatorDef[] = [];
  const subcomponents: SubcomponentDef[] = [];
  const stack: string[] = [];
  const depthOf = new Map<string, number>();
  const adjustmentIds = new Set<string>();
  walkTree(treeNodes(instrument), (node, parent) => {
    const depth = parent ? (depthOf.get(parent.id) ?? 0) + 1 : 0;
    depthOf.set(node.id, depth);
    stack.length = depth;
    stack[depth] = node.id;
    if (node.adjustment) adjustmentIds.add(node.id);
    if (node.level === "component" || node.level === "subcomponent") {
      subcomponents.push({ id: node.id, label: node.label, depth, adjustment: stack.some((id) => adjustmentIds.has(id)) });
      return;
    }
    if (!node.items) return;
    const ancestors = stack.slice(0, depth).filter((id) => subcomponents.some((s) => s.id === id));
    const item = node.items.find((i) => targetOf[i.id] !== undefined);
    indicators.push({
      id: node.id,
      label: node.label,
      level: node.level,
      parentId: ancestors.at(-1) ?? node.id,
      ancestors,
      target: item ? { itemId: item.id, target: targetOf[item.id]! } : null,
    });
  });
  return {
    title: instrument.title,
    indicators,
    subcomponents,
    targets: indicators.flatMap((i) => (i.target ? [i.target] : [])),
  };
}

/**
 * The peer model of (year, kind): the instrument most used that year by that kind (or `wanted` when it was
 * used), its newest version's rows. Null when no organisation of that kind has an agency-level assessment.
 */
export async function peerModel(
  db: Db,
  year: number,
  kind: OrganisationKind,
  locale: string,
  wanted: string | null = null,
): Promise<{ model: PeerModel; instruments: string[] } | null> {
  const used = await instrumentsOfYear(db, year, kind, isAgencyInstrument);
  if (used.length === 0) return null;
  const instrumentId = used.find((u) => u.instrumentId === wanted)?.instrumentId ?? used[0]!.instrumentId;
  const filter = { year, kind, instrumentId };
  const hash = await newestHash(db, filter);
  if (!hash) return null;
  const instrument = localizeInstrument(await getFrozenInstrument(db, hash), locale);
  return { model: { filter, ...modelOf(instrument) }, instruments: used.map((u) => u.instrumentId) };
}
