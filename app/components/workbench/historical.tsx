import { Form } from "@remix-run/react";
import type { MessageKey } from "~/i18n";
import { formatNumber } from "~/i18n";
import { WorkbookRefusal, type WorkbookIssue } from "~/components/lke/workbook-refusal";
import { useLocale, useT } from "~/i18n/use-t";

/** The "diimpor dari buku kerja" mark of a historical assessment (assessment page, report, receipt). */
export interface HistoricalMarkView {
  fileName: string;
  sha256: string;
  groupHeader: string;
  externalGroupHeader: string | null;
}

export function HistoricalMarkNote({ mark }: { mark: HistoricalMarkView | null }) {
  const t = useT();
  if (!mark) return null;
  return (
    <p className="alert break-anywhere" data-testid="historical-mark">
      <strong>{t("historical.mark", { file: mark.fileName, sha256: mark.sha256 })}</strong>
      {mark.groupHeader ? <> · {t("historical.markGroups", { self: mark.groupHeader })}</> : null}
      {mark.externalGroupHeader ? <> · {t("historical.markExternal", { external: mark.externalGroupHeader })}</> : null}
    </p>
  );
}

/** A refusal of the historical import page, with its detail and the reader's issues. */
export interface HistoricalFailure {
  ok: false;
  formError: MessageKey;
  params?: Record<string, string>;
  issues?: WorkbookIssue[];
}

export function HistoricalError({ failure }: { failure: HistoricalFailure | undefined }) {
  if (!failure) return null;
  return <WorkbookRefusal formError={failure.formError} params={failure.params} issues={failure.issues} testId="historical-error" />;
}

export interface HistoricalPreviewProps {
  id: string;
  fileName: string;
  sha256: string;
  unit: { name: string };
  period: { year: number; name: string };
  instrument: { id: string; version: string; title: string };
  recognised: { items: number; itemsTotal: number; answered: number } | null;
  unmatched: number;
  groups: { index: number; header: string; answerColumn: string; answered: number; total: number; predicate: string | null }[];
  usedAt: string | null;
}

/** Every answer group with its score; radio buttons choose the unit's group and the external evaluator's. */
export function HistoricalPreview({ preview: p, busy }: { preview: HistoricalPreviewProps; busy: boolean }) {
  const t = useT();
  const locale = useLocale();
  // The group headed by the period's year ("PENILAIAN TAHUN 2015" for 2015) is the unit's by default; else the first.
  const yearGroup = p.groups.findIndex((g) => g.header.includes(String(p.period.year)));
  const selfDefault = yearGroup >= 0 ? yearGroup : 0;
  return (
    <section className="card" data-testid="historical-preview">
      <h2>{t("historical.previewTitle", { file: p.fileName })}</h2>
      <p>
        {t("historical.previewMeta", {
          unit: p.unit.name,
          period: p.period.name,
          instrument: p.instrument.title,
          version: p.instrument.version,
        })}
        <br />
        SHA-256 <code className="break-anywhere">{p.sha256}</code>
      </p>
      {p.recognised ? (
        <p className="muted">
          {t("historical.recognised", {
            items: p.recognised.items,
            total: p.recognised.itemsTotal,
            answered: p.recognised.answered,
            unmatched: p.unmatched,
          })}
        </p>
      ) : null}
      {p.usedAt ? (
        <p className="alert">{t("historical.used")}</p>
      ) : (
        <Form method="post">
          <input type="hidden" name="intent" value="confirm" />
          <input type="hidden" name="previewId" value={p.id} />
          <p>{t("historical.choose")}</p>
          <div className="table-scroll">
            <table data-testid="historical-groups">
              <thead>
                <tr>
                  <th>{t("historical.col.group")}</th>
                  <th>{t("historical.col.column")}</th>
                  <th>{t("historical.col.answered")}</th>
                  <th>{t("historical.col.total")}</th>
                  <th>{t("historical.col.predicate")}</th>
                  <th>{t("historical.col.self")}</th>
                  <th>{t("historical.col.external")}</th>
                </tr>
              </thead>
              <tbody>
                {p.groups.map((g, k) => (
                  <tr key={g.index}>
                    <td>{g.header}</td>
                    <td>{g.answerColumn}</td>
                    <td>{g.answered}</td>
                    <td data-testid={`historical-total-${g.index}`}>{formatNumber(g.total, locale, 4)}</td>
                    <td>{g.predicate ?? "—"}</td>
                    <td>
                      <input
                        type="radio"
                        name="selfGroup"
                        value={g.index}
                        defaultChecked={k === selfDefault}
                        aria-label={`${t("historical.col.self")}: ${g.header}`}
                      />
                    </td>
                    <td>
                      <input
                        type="radio"
                        name="externalGroup"
                        value={g.index}
                        aria-label={`${t("historical.col.external")}: ${g.header}`}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <label className="check">
            <input type="radio" name="externalGroup" value="" defaultChecked /> {t("historical.noExternal")}
          </label>
          <p>
            <button type="submit" disabled={busy} data-testid="historical-confirm">
              {t("historical.confirm")}
            </button>
          </p>
        </Form>
      )}
    </section>
  );
}
