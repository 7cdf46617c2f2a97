import { Form, Link } from "@remix-run/react";
import { AgreementFigure } from "~/components/blind/agreement-figure";
import { ProgressBar } from "~/components/workbench/progress-bar";
import { FindingItems, ItemLinks } from "~/components/workbench/item-links";
import { formatDate, formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import type { AssessmentOverview } from "~/services/workbench/assessment-view.server";
import { NamedOptions } from "~/components/options";

/* Sections of the assessment overview page (routes/assessments.$id._index.tsx), each drawn from the page's data. */

/** Blind scoring rounds: how many, how many open, and the agreement of the last closed one. */
export function BlindCard({ d }: { d: Pick<AssessmentOverview, "assessment" | "blind" | "can"> }) {
  const t = useT();
  const a = d.assessment;
  if (!(d.blind.rounds > 0 || d.can.assign)) return null;
  return (
    <section className="card" data-testid="blind-card">
      <h2>{t("blind.title")}</h2>
      <p>
        <Link to={`/assessments/${a.id}/blind`} data-testid="blind-link">
          {d.blind.rounds > 0 ? `${t("blind.title")}: ${d.blind.rounds} (${d.blind.open} ${t("blind.status.open")})` : t("blind.start")}
        </Link>
      </p>
      <AgreementFigure agreement={d.blind.agreement} />
    </section>
  );
}

/** The areas with their score against their weight and the confirmed items; the actor's own areas marked. */
export function AreasCard({ d }: { d: Pick<AssessmentOverview, "assessment" | "summary" | "myNodes"> }) {
  const t = useT();
  const locale = useLocale();
  const a = d.assessment;
  return (
    <section className="card">
      <h2>{t("workbench.areas")}</h2>
      <div className="table-scroll">
        <table data-testid="areas">
          <thead>
            <tr>
              <th>{t("workbench.areas")}</th>
              <th>{t("assessments.score")}</th>
              <th>{t("assessments.progress")}</th>
            </tr>
          </thead>
          <tbody>
            {d.summary.areas.map((area) => (
              <tr key={area.id} className={d.myNodes.some((n) => n === area.id || n.startsWith(area.id + ".")) ? "mine" : undefined}>
                <td>
                  <span className="muted">{area.path.join(" › ")}</span>
                  <br />
                  <Link to={`/assessments/${a.id}/areas/${area.id}`}>
                    {area.id} {area.label}
                  </Link>
                </td>
                <td>
                  {formatNumber(area.value, locale, 2)} / {formatNumber(area.weight, locale, 2)}
                </td>
                <td>
                  <ProgressBar
                    done={area.confirmed}
                    total={area.items}
                    label={t("workbench.answered", { answered: area.confirmed, total: area.items })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * What still stands between the assessment and a clean submission. Every finding names its items, each a
 * link to the item on its area page (the `href` the server built with `itemHref`); evidence findings
 * name the file and link the items it supports.
 */
export function ReadinessCard({ readiness: r }: { readiness: AssessmentOverview["readiness"] }) {
  const t = useT();
  const locale = useLocale();
  if (!r) return null;
  const clean =
    !r.unanswered.length &&
    !r.answeredWithoutEvidence.length &&
    !r.unconfirmed.length &&
    !r.outsidePeriod.length &&
    !r.spreadFiles.length &&
    !r.outOfRange.length;
  return (
    <section className="card" id="readiness" data-testid="readiness">
      <h2>{t("workbench.readiness")}</h2>
      {clean ? (
        <p>{t("workbench.ready")}</p>
      ) : (
        <ul>
          {r.unanswered.length ? (
            <FindingItems
              message={t("workbench.unanswered", { count: r.unanswered.length })}
              items={r.unanswered}
              testId="readiness-unanswered"
            />
          ) : null}
          {r.answeredWithoutEvidence.length ? (
            <FindingItems
              message={t("workbench.noEvidence", { count: r.answeredWithoutEvidence.length })}
              items={r.answeredWithoutEvidence}
              testId="readiness-no-evidence"
            />
          ) : null}
          {r.unconfirmed.length ? (
            <FindingItems
              message={t("workbench.unconfirmed", { count: r.unconfirmed.length })}
              items={r.unconfirmed}
              testId="readiness-unconfirmed"
            />
          ) : null}
          {r.outsidePeriod.length ? (
            <li data-testid="readiness-outside-period">
              {t("workbench.outsidePeriod", { count: r.outsidePeriod.length })}:
              <ul>
                {r.outsidePeriod.map((e) => (
                  <li key={e.evidenceId}>
                    {e.name} ({formatDate(e.date, locale)}): <ItemLinks items={e.items} />
                  </li>
                ))}
              </ul>
            </li>
          ) : null}
          {r.spreadFiles.length ? (
            <li data-testid="readiness-spread-files">
              {t("workbench.manyItems", { count: r.spreadFiles.length })}:
              <ul>
                {r.spreadFiles.map((f) => (
                  <li key={f.name + f.items.map((i) => i.itemId).join()}>
                    {f.name}: <ItemLinks items={f.items} />
                  </li>
                ))}
              </ul>
            </li>
          ) : null}
          {r.outOfRange.length ? (
            <li data-testid="readiness-out-of-range">
              {t("workbench.outOfRangeStored", { count: r.outOfRange.length })}
              <ul>
                {r.outOfRange.map((o) => (
                  <li key={o.itemId}>
                    <ItemLinks items={[o]} />: {t(o.key, o.params)}
                  </li>
                ))}
              </ul>
            </li>
          ) : null}
        </ul>
      )}
    </section>
  );
}

/** Who works on which area, their progress, and (for whom may assign) the assignment form. */
export function TeamCard({ d }: { d: Pick<AssessmentOverview, "can" | "assignments" | "progress" | "people" | "nodes"> }) {
  const t = useT();
  if (!d.can.assign && d.assignments.length === 0) return null;
  return (
    <section className="card">
      <h2>{t("workbench.team")}</h2>
      {d.assignments.length === 0 ? <p className="muted">{t("workbench.noAssignments")}</p> : null}
      {d.progress.length > 0 ? (
        <table data-testid="progress-per-person">
          <caption>{t("workbench.byPerson")}</caption>
          <tbody>
            {d.progress.map((p) => (
              <tr key={p.name}>
                <td>{p.name}</td>
                <td>
                  <ProgressBar
                    done={p.confirmed}
                    total={p.total}
                    label={t("workbench.answered", { answered: p.confirmed, total: p.total })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ul>
        {d.assignments.map((x) => (
          <li key={`${x.node_id}-${x.user_id}`}>
            {x.name} — {x.node_id}
            {d.can.assign ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="unassign" />
                <input type="hidden" name="nodeId" value={x.node_id} />
                <input type="hidden" name="userId" value={x.user_id} />{" "}
                <button type="submit" className="link-button">
                  {t("workbench.unassign")}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      {d.can.assign ? (
        <Form method="post" className="row">
          <input type="hidden" name="intent" value="assign" />
          <div>
            <label htmlFor="assign-user">{t("workbench.assignee")}</label>
            <select id="assign-user" name="userId">
              <NamedOptions items={d.people} />
            </select>
          </div>
          <div>
            <label htmlFor="assign-node">{t("workbench.areaOrSubarea")}</label>
            <select id="assign-node" name="nodeId">
              {d.nodes.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">{t("workbench.assign")}</button>
        </Form>
      ) : null}
    </section>
  );
}
