import { Link } from "@remix-run/react";
import { useT } from "~/i18n/use-t";
import type { OrganisationRollup } from "~/services/rollup/organisation.server";
import { change, SubcomponentCard } from "./overview";
import { layerKey, ScrollTable, useNumber } from "./parts";

type D = OrganisationRollup;

/** The organisation's Indeks RB and predicate, which snapshot it is, its rank, and the peer group's mean. */
export function OwnSummary({ d }: { d: D }) {
  const t = useT();
  const n = useNumber();
  const r = d.result;
  if (!r) return <p className="card muted">{t("rollup.noOwnResult", { year: String(d.year ?? "") })}</p>;
  return (
    <section className="card" aria-labelledby="rollup-own" data-testid="rollup-own">
      <h2 id="rollup-own">{t("rollup.ownResult")}</h2>
      <dl className="rollup-facts">
        <dt>{t("rollup.indexRb")}</dt>
        <dd data-testid="rollup-own-total">
          {n(r.total)} {r.predicate ? <span className="tag">{r.predicate}</span> : null}
        </dd>
        <dt>{t("rollup.source")}</dt>
        <dd>{t(layerKey(r.layer))}</dd>
        {d.previous ? (
          <>
            <dt>{t("rollup.previousYear", { year: String(d.previous.year) })}</dt>
            <dd>
              {n(d.previous.total)} {d.previous.predicate ? <span className="tag">{d.previous.predicate}</span> : null} ·{" "}
              {change(t, r.total, d.previous.total, n)}
            </dd>
          </>
        ) : null}
        {d.peer ? (
          <>
            <dt>{t("rollup.installationMean")}</dt>
            <dd data-testid="rollup-peer-mean">
              {n(d.peer.meanTotal)} <span className="muted">({t("rollup.peerCount", { count: d.peer.organisations })})</span>
            </dd>
            {d.peer.national ? (
              <>
                <dt>{t("rollup.nationalMean")}</dt>
                <dd>
                  {n(d.peer.national.value)} <span className="muted">({t("rollup.sourceOf", { source: d.peer.national.source })})</span>
                </dd>
              </>
            ) : null}
            {r.rank !== null && r.of !== null ? (
              <>
                <dt>{t("rollup.rank")}</dt>
                <dd>{t("rollup.rankOf", { rank: r.rank, of: r.of })}</dd>
              </>
            ) : null}
          </>
        ) : null}
      </dl>
      <p className="muted">{t("rollup.whichSnapshot")}</p>
    </section>
  );
}

export function Withheld({ d }: { d: D }) {
  const t = useT();
  if (d.hidden)
    return (
      <p className="alert alert-warn" role="status">
        {t("rollup.hidden", { min: 3 })}
      </p>
    );
  if (d.alone)
    return (
      <p className="alert alert-warn" role="status">
        {t("rollup.alone")}
      </p>
    );
  return null;
}

export function OwnSubcomponents({ d }: { d: D }) {
  if (d.subcomponents.length === 0 || !d.result) return null;
  return <SubcomponentCard rows={d.subcomponents} own id="rollup-own-subs" testId="rollup-own-subcomponents" />;
}

export function OwnTargets({ d }: { d: D }) {
  const t = useT();
  const n = useNumber();
  const s = d.targets;
  if (!d.result) return null;
  return (
    <section className="card" aria-labelledby="rollup-own-targets" data-testid="rollup-own-targets">
      <h2 id="rollup-own-targets">{t("rollup.targets")}</h2>
      {s.rows === 0 ? (
        <p className="muted">{t("rollup.noTargets")}</p>
      ) : (
        <>
          <p>{t("rollup.ownTargetsLine", { rows: s.rows, met: s.met, share: n(s.share) })}</p>
          {s.peerShare !== null ? <p>{t("rollup.peerTargetsLine", { share: n(s.peerShare) })}</p> : null}
          {s.unmet.length > 0 ? (
            <>
              <h3>{t("rollup.unmet")}</h3>
              <ul>
                {s.unmet.map((u) => (
                  <li key={u.id}>
                    {u.id} {u.label}: {t("rollup.unmetItem", { score: n(u.score), target: n(u.target) })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}

/** Per indicator: the organisation's %, score and target, the year before, and the peer group's mean and share meeting the target. */
export function OwnIndicators({ d }: { d: D }) {
  const t = useT();
  const n = useNumber();
  if (!d.result) return null;
  const prev = d.previous?.year ?? null;
  return (
    <section className="card" aria-labelledby="rollup-own-grid">
      <h2 id="rollup-own-grid">{t("rollup.indicators")}</h2>
      <ScrollTable label={t("rollup.indicators")} testId="rollup-own-indicators">
        <thead>
          <tr>
            <th scope="col">{t("rollup.indicator")}</th>
            <th scope="col">{t("rollup.ownPercent")}</th>
            <th scope="col">{t("rollup.score")}</th>
            <th scope="col">{t("rollup.target")}</th>
            <th scope="col">{t("rollup.status")}</th>
            {prev !== null ? <th scope="col">{t("rollup.previousPercent", { year: String(prev) })}</th> : null}
            {prev !== null ? <th scope="col">{t("rollup.change")}</th> : null}
            <th scope="col">{t("rollup.installationMean")}</th>
            <th scope="col">{t("rollup.metShare")}</th>
          </tr>
        </thead>
        <tbody>
          {d.indicators.map((i) => (
            <tr key={i.id} data-node={i.id}>
              <th scope="row">
                {i.id} <span className="rollup-label">{i.label}</span>
              </th>
              <td>{i.filled ? n(i.percent) : t("rollup.notFilled")}</td>
              <td>{n(i.score)}</td>
              <td>{n(i.target)}</td>
              <td>{i.met === null ? "–" : i.met ? t("rollup.met") : t("rollup.belowTarget")}</td>
              {prev !== null ? <td>{n(i.previousPercent)}</td> : null}
              {prev !== null ? <td>{change(t, i.percent, i.previousPercent, n)}</td> : null}
              <td>{n(i.peerMean)}</td>
              <td>{n(i.peerMetShare)}</td>
            </tr>
          ))}
        </tbody>
      </ScrollTable>
    </section>
  );
}

/** A province's regencies (spec §6 "Data Kabupaten/Kota"), each linking to its page. */
export function Regencies({ d }: { d: D }) {
  const t = useT();
  const n = useNumber();
  if (!d.regencies) return null;
  return (
    <section className="card" aria-labelledby="rollup-regencies">
      <h2 id="rollup-regencies">{t("rollup.regencies")}</h2>
      {d.regencies.rows.length === 0 ? (
        <p className="muted">{t("rollup.noRegencies")}</p>
      ) : (
        <ScrollTable label={t("rollup.regencies")} testId="rollup-regencies">
          <thead>
            <tr>
              <th scope="col">{t("rollup.organisation")}</th>
              <th scope="col">{t("rollup.indexRb")}</th>
              <th scope="col">{t("rollup.predicate")}</th>
              <th scope="col">{t("rollup.targetsMet")}</th>
              <th scope="col">{t("rollup.source")}</th>
            </tr>
          </thead>
          <tbody>
            {d.regencies.rows.map((r) => (
              <tr key={r.organisationId}>
                <th scope="row">
                  <Link to={`/rollup/organisations/${r.organisationId}?year=${d.year ?? ""}`}>{r.name}</Link>
                </th>
                <td>{n(r.total)}</td>
                <td>{r.predicate ?? "–"}</td>
                <td>{n(r.targetsMet, 0)}</td>
                <td>{t(layerKey(r.layer))}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </section>
  );
}
