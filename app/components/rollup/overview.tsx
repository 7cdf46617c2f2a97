import { Link } from "@remix-run/react";
import type { OrganisationKind } from "#db/schema";
import { useT } from "~/i18n/use-t";
import type { IndicatorRow, PeerFigures, RollupOverview } from "~/services/rollup/rollup.server";
import { layerKey, ScrollTable, useNumber } from "./parts";

/** One sub-component row as the roll-up reads it; `own` only on an organisation's page. */
interface SubcomponentLine {
  id: string;
  label: string;
  depth: number;
  mean: number | null;
  national?: { value: number } | null;
  own?: number | null;
}

/**
 * Per sub-component: the mean of row percentages over the peer group, the national figure when imported,
 * and (on an organisation's page, `own`) the organisation's own percentage first.
 */
export function SubcomponentCard({
  rows,
  own = false,
  id,
  testId,
}: {
  rows: SubcomponentLine[];
  own?: boolean;
  id: string;
  testId: string;
}) {
  const t = useT();
  const n = useNumber();
  const anyNational = rows.some((s) => s.national);
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{t("rollup.subcomponents")}</h2>
      <p className="muted">{t("rollup.meanExplained")}</p>
      <ScrollTable label={t("rollup.subcomponents")} testId={testId}>
        <thead>
          <tr>
            <th scope="col">{t("rollup.subcomponent")}</th>
            {own ? <th scope="col">{t("rollup.ownPercent")}</th> : null}
            <th scope="col">{t("rollup.installationMean")}</th>
            {anyNational ? <th scope="col">{t("rollup.nationalMean")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id} data-node={s.id}>
              <th scope="row" style={{ paddingLeft: `${0.6 + s.depth}rem` }}>
                {s.id} {s.label}
              </th>
              {own ? <td>{n(s.own)}</td> : null}
              <td>{n(s.mean)}</td>
              {anyNational ? <td>{n(s.national?.value)}</td> : null}
            </tr>
          ))}
        </tbody>
      </ScrollTable>
    </section>
  );
}

export function SubcomponentMeans({ figures }: { figures: PeerFigures }) {
  return <SubcomponentCard rows={figures.subcomponents} id="rollup-subs" testId="rollup-subcomponents" />;
}

/** #rows with a target, how many (organisation, row) pairs meet it, and the best and worst indicators. */
export function TargetSummaryCard({ figures }: { figures: PeerFigures }) {
  const t = useT();
  const n = useNumber();
  const s = figures.targets;
  if (s.rows === 0)
    return (
      <section className="card" aria-labelledby="rollup-targets">
        <h2 id="rollup-targets">{t("rollup.targets")}</h2>
        <p className="muted">{t("rollup.noTargets")}</p>
      </section>
    );
  return (
    <section className="card" aria-labelledby="rollup-targets" data-testid="rollup-targets">
      <h2 id="rollup-targets">{t("rollup.targets")}</h2>
      <p>{t("rollup.targetsLine", { rows: s.rows, met: s.met, pairs: s.pairs, share: n(s.share) })}</p>
      <div className="row">
        <div>
          <h3>{t("rollup.topIndicators")}</h3>
          <ol>
            {s.top.map((i) => (
              <li key={i.id}>
                {i.id} {i.label}: {n(i.share)} %
              </li>
            ))}
          </ol>
        </div>
        <div>
          <h3>{t("rollup.bottomIndicators")}</h3>
          <ol>
            {s.bottom.map((i) => (
              <li key={i.id}>
                {i.id} {i.label}: {n(i.share)} %
              </li>
            ))}
          </ol>
        </div>
      </div>
    </section>
  );
}

/** One row per indicator: filled, not yet, mean %, meeting the target, and the mean of the year before. */
export function IndicatorGrid({
  rows,
  previousYear,
  compareHref,
}: {
  rows: IndicatorRow[];
  previousYear: number | null;
  /** A link that adds (or removes) the year before's means. */
  compareHref: { href: string; year: number; on: boolean } | null;
}) {
  const t = useT();
  const n = useNumber();
  return (
    <section className="card" aria-labelledby="rollup-grid">
      <h2 id="rollup-grid">{t("rollup.indicators")}</h2>
      {compareHref ? (
        <p>
          <Link to={compareHref.href}>
            {compareHref.on ? t("rollup.compareOff") : t("rollup.compareWith", { year: String(compareHref.year) })}
          </Link>
        </p>
      ) : null}
      <ScrollTable label={t("rollup.indicators")} testId="rollup-indicators">
        <thead>
          <tr>
            <th scope="col">{t("rollup.indicator")}</th>
            <th scope="col">{t("rollup.filled")}</th>
            <th scope="col">{t("rollup.notYet")}</th>
            <th scope="col">{t("rollup.meanPercent")}</th>
            <th scope="col">{t("rollup.target")}</th>
            <th scope="col">{t("rollup.meanScore")}</th>
            <th scope="col">{t("rollup.metCount")}</th>
            <th scope="col">{t("rollup.metShare")}</th>
            {previousYear !== null ? <th scope="col">{t("rollup.previousMean", { year: String(previousYear) })}</th> : null}
            {previousYear !== null ? <th scope="col">{t("rollup.change")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-node={r.id}>
              <th scope="row">
                {r.id} <span className="rollup-label">{r.label}</span>
              </th>
              <td>{n(r.filled, 0)}</td>
              <td>{n(r.notYet, 0)}</td>
              <td>{n(r.mean)}</td>
              <td>{n(r.target)}</td>
              <td>{r.target === null ? "–" : n(r.meanScore)}</td>
              <td>{r.target === null ? "–" : n(r.met, 0)}</td>
              <td>{n(r.metShare)}</td>
              {previousYear !== null ? <td>{n(r.previousMean)}</td> : null}
              {previousYear !== null ? <td>{change(t, r.mean, r.previousMean, n)}</td> : null}
            </tr>
          ))}
        </tbody>
      </ScrollTable>
    </section>
  );
}

export function change(t: ReturnType<typeof useT>, now: number | null, before: number | null, n: ReturnType<typeof useNumber>): string {
  if (now === null || before === null) return "–";
  const d = now - before;
  if (Math.abs(d) < 0.005) return t("rollup.same");
  return `${d > 0 ? t("rollup.up") : t("rollup.down")} ${n(Math.abs(d))}`;
}

/** The organisations in the viewer's scope with a result, best first, a page at a time. */
export function OrganisationList({ d, kind }: { d: RollupOverview; kind: OrganisationKind }) {
  const t = useT();
  const n = useNumber();
  const o = d.organisations;
  const base = `?year=${d.year ?? ""}&kind=${kind}${d.model ? `&instrument=${d.model.instrumentId}` : ""}`;
  return (
    <section className="card" aria-labelledby="rollup-orgs">
      <h2 id="rollup-orgs">{t("rollup.results")}</h2>
      <p className="muted">
        {t("rollup.resultsCount", { count: o.count })} · <a href={`/rollup.csv${base}`}>{t("rollup.csv")}</a>
      </p>
      {o.rows.length === 0 ? (
        <p className="muted">{t("rollup.noResults")}</p>
      ) : (
        <ScrollTable label={t("rollup.results")} testId="rollup-orgs">
          <thead>
            <tr>
              <th scope="col">{t("rollup.organisation")}</th>
              {kind === "pemda_kabkota" ? <th scope="col">{t("rollup.province")}</th> : null}
              <th scope="col">{t("rollup.indexRb")}</th>
              <th scope="col">{t("rollup.predicate")}</th>
              <th scope="col">{t("rollup.targetsMet")}</th>
              <th scope="col">{t("rollup.source")}</th>
            </tr>
          </thead>
          <tbody>
            {o.rows.map((r) => (
              <tr key={r.organisationId}>
                <th scope="row">
                  <Link to={`/rollup/organisations/${r.organisationId}?year=${d.year ?? ""}`}>{r.name}</Link>
                </th>
                {kind === "pemda_kabkota" ? <td>{r.parentName ?? "–"}</td> : null}
                <td>{n(r.total)}</td>
                <td>{r.predicate ?? "–"}</td>
                <td>{n(r.targetsMet, 0)}</td>
                <td>{t(layerKey(r.layer))}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      {o.pages > 1 ? (
        <nav aria-label={t("rollup.pages")}>
          <p>
            {o.page > 1 ? <Link to={`${base}&page=${o.page - 1}`}>← {t("rollup.previousPage")}</Link> : null}{" "}
            {t("rollup.pageOf", { page: o.page, pages: o.pages })}{" "}
            {o.page < o.pages ? <Link to={`${base}&page=${o.page + 1}`}>{t("rollup.nextPage")} →</Link> : null}
          </p>
        </nav>
      ) : null}
    </section>
  );
}
