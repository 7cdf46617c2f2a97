import { Form } from "@remix-run/react";
import { useState } from "react";
import type { MessageKey } from "~/i18n";
import { formatNumber, translateMaybe } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import type { AnswerValue } from "~/domain/scoring/answers";
import type { ImportChange, ImportPreview } from "~/services/excel/import.server";

const LAYER_LABEL: Record<ImportChange["layer"], MessageKey> = {
  self: "eval.layer.self",
  internal: "eval.layer.internal",
  external: "eval.layer.external",
};

function AnswerText({ value }: { value: AnswerValue | undefined }) {
  const t = useT();
  const locale = useLocale();
  if (value === null || value === undefined) return <span className="muted">{t("lke.empty")}</span>;
  if (typeof value === "number") return <>{formatNumber(value, locale)}</>;
  if (typeof value === "object")
    return (
      <>
        {Object.entries(value)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ")}
      </>
    );
  return <>{value}</>;
}

/** The import preview: score before → after, every change with its state, unmatched rows, and the apply form. */
export function ImportPreviewView({ preview: p, needsOverride, busy }: { preview: ImportPreview; needsOverride: boolean; busy: boolean }) {
  const t = useT();
  const locale = useLocale();
  const f = (n: number) => formatNumber(n, locale, 2);
  const conflicts = p.changes.filter((c) => c.conflict && !c.blocked);
  const blocked = p.changes.filter((c) => c.blocked);
  // Older stored previews have no clearance fields: nothing is listed, and apply judges by the change itself.
  const clears = p.changes.filter((c) => c.clears && !c.blocked);
  // When clearing is all the workbook would do, applying needs the tick first (without JavaScript the server says so).
  const [allowClear, setAllowClear] = useState(false);
  const clearing = p.afterClearing ?? null;
  const g = p.group ?? null;
  const key = (c: ImportChange) => `${c.layer}:${c.itemId}`;
  return (
    <section className="card" data-testid="lke-preview">
      <h2>{t("lke.previewTitle")}</h2>
      <p className="muted">
        {t("lke.fileInfo", {
          file: p.fileName,
          sha: p.sha256.slice(0, 16),
          layout: t(p.layout === "official" ? "lke.layout.official" : "lke.layout.cermin"),
        })}
      </p>
      {g ? (
        <p className="muted" data-testid="lke-group-read">
          {t("lke.groupRead", {
            sheet: p.sheet,
            header: g.header,
            answer: g.answerColumn,
            note: g.noteColumn ?? t("lke.noColumn"),
            link: g.linkColumn ?? t("lke.noColumn"),
          })}{" "}
          {p.recognised
            ? t("lke.recognised", { items: p.recognised.items, total: p.recognised.itemsTotal, answered: p.recognised.answered })
            : null}
        </p>
      ) : null}
      <p data-testid="lke-counts">
        {t("lke.counts", {
          changes: p.changes.length,
          conflicts: conflicts.length,
          blocked: blocked.length,
          unchanged: p.unchanged,
          unmatched: p.unmatched.length,
        })}
      </p>
      <div className="table-scroll">
        <table data-testid="lke-score">
          <thead>
            <tr>
              <th />
              <th>{t("lke.scoreBefore")}</th>
              <th>{t("lke.scoreAfter")}</th>
              {clearing ? <th className="bad">{t("lke.scoreAfterClearing")}</th> : null}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t("lke.total")}</th>
              <td data-testid="lke-total-before">{f(p.before.total)}</td>
              <td data-testid="lke-total-after">{f(p.after.total)}</td>
              {clearing ? (
                <td className="bad" data-testid="lke-total-after-clearing">
                  {f(clearing.total)}
                </td>
              ) : null}
            </tr>
            {p.after.predicate !== null || p.before.predicate !== null ? (
              <tr>
                <th scope="row">{t("lke.predicate")}</th>
                <td>{p.before.predicate ?? "–"}</td>
                <td>{p.after.predicate ?? "–"}</td>
                {clearing ? <td className="bad">{clearing.predicate ?? "–"}</td> : null}
              </tr>
            ) : null}
            {p.after.verdicts.map((v) => (
              <tr key={v.id}>
                <th scope="row">{v.label}</th>
                <td>{p.before.verdicts.find((b) => b.id === v.id)?.pass ? "✓" : "✗"}</td>
                <td>{v.pass ? "✓" : "✗"}</td>
                {clearing ? <td className="bad">{clearing.verdicts.find((x) => x.id === v.id)?.pass ? "✓" : "✗"}</td> : null}
              </tr>
            ))}
            {p.after.areas.map((a) => {
              const before = p.before.areas.find((b) => b.id === a.id)?.value ?? 0;
              return (
                <tr key={a.id} className={Math.abs(before - a.value) > 1e-12 ? "mine" : undefined}>
                  <th scope="row">
                    {a.id} {a.label}
                  </th>
                  <td>{f(before)}</td>
                  <td>{f(a.value)}</td>
                  {clearing ? <td className="bad">{f(clearing.areas.find((x) => x.id === a.id)?.value ?? 0)}</td> : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Form method="post">
        <input type="hidden" name="intent" value="apply" />
        <input type="hidden" name="importId" value={p.importId ?? ""} />
        {p.changes.length ? (
          <div className="table-scroll">
            <table data-testid="lke-changes">
              <thead>
                <tr>
                  <th>{t("lke.code")}</th>
                  <th>{t("lke.layer")}</th>
                  <th>{t("lke.cell")}</th>
                  <th>{t("lke.old")}</th>
                  <th>{t("lke.new")}</th>
                  <th>{t("lke.note")}</th>
                  <th>{t("lke.links")}</th>
                  <th>{t("lke.state")}</th>
                </tr>
              </thead>
              <tbody>
                {p.changes.map((c) => (
                  <tr
                    key={key(c)}
                    data-item={c.itemId}
                    data-state={c.blocked ? "blocked" : c.clears ? "clear" : c.conflict ? "conflict" : "ok"}
                    className={c.clears && !c.blocked ? "bad" : undefined}
                  >
                    <td>{c.itemId}</td>
                    <td>{t(LAYER_LABEL[c.layer])}</td>
                    <td>{c.cell}</td>
                    <td>
                      <AnswerText value={c.before?.value} />
                    </td>
                    <td>
                      <AnswerText value={c.after.value} />
                    </td>
                    <td style={{ whiteSpace: "pre-wrap" }}>
                      {(c.before?.note ?? null) !== c.after.note ? (c.after.note ?? t("lke.empty")) : ""}
                    </td>
                    <td className="break-anywhere">{c.newLinks.join(" ")}</td>
                    <td>
                      {c.blocked ? (
                        t("lke.blocked", { reason: translateMaybe(t, c.blocked) })
                      ) : c.clears && !c.conflict ? (
                        t("lke.willClear")
                      ) : c.conflict ? (
                        <>
                          {t("lke.conflict", { exported: String(c.exportedVersion ?? 0), current: String(c.before?.version ?? 0) })}
                          <br />
                          <label>
                            <input type="checkbox" name="take" value={key(c)} /> {t("lke.takeConflict")}
                          </label>
                        </>
                      ) : (
                        t("lke.ok")
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {p.unmatched.length ? (
          <>
            <h3>{t("lke.unmatched")}</h3>
            <ul data-testid="lke-unmatched">
              {p.unmatched.map((u) => (
                <li key={`${u.sheet}:${u.row}`}>
                  {t("lke.unmatchedRow", { sheet: u.sheet, row: String(u.row) })}: {u.code ?? ""} {u.text}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {clears.length ? (
          <div className="alert alert-error" data-testid="lke-clearances">
            <p>
              <strong>{t("lke.clearances", { count: clears.length })}</strong>
            </p>
            <p>{t("lke.clearHelp")}</p>
            <ul>
              {clears.map((c) => (
                <li key={key(c)}>
                  {c.itemId} ({c.cell})
                </li>
              ))}
            </ul>
            {p.onlyClears ? <p>{t("lke.onlyClears", { count: clears.length })}</p> : null}
            {p.importId ? (
              <label>
                <input
                  type="checkbox"
                  name="allowClear"
                  value="1"
                  data-testid="lke-allow-clear"
                  checked={allowClear}
                  onChange={(e) => setAllowClear(e.currentTarget.checked)}
                />{" "}
                {t("lke.allowClear", { count: clears.length })}
              </label>
            ) : null}
          </div>
        ) : null}
        {p.importId ? (
          <>
            <p className="muted">{t("lke.applyHelp")}</p>
            {needsOverride ? (
              <div>
                <label htmlFor="overrideReason">{t("workbench.overrideReason")}</label>
                <input id="overrideReason" name="overrideReason" type="text" maxLength={1000} />
              </div>
            ) : null}
            <button type="submit" disabled={busy || (!!p.onlyClears && !allowClear)} data-testid="lke-apply">
              {t("lke.apply")}
            </button>
          </>
        ) : (
          <p>{t("lke.nothing")}</p>
        )}
      </Form>
    </section>
  );
}
