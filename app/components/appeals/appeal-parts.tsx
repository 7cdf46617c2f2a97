import { Link } from "@remix-run/react";
import { answerText, type AnswerItem } from "~/components/evaluation/answer-text";
import type { AppealFileView, AppealView } from "~/services/appeals/read.server";
import { formatDate, formatNumber, type Locale, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";

/*
 * Pieces of the appeal (sanggah) pages: the window line per layer ("Masa sanggah: s.d. 12 Maret 2025,
 * 4 hari kerja lagi"), an appeal's record (status, reason, files, response, values, seal) and its status.
 */

/** A WIB calendar date in words: "12 Maret 2025" / "12 March 2025". */
export function longDate(date: string, locale: Locale): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "id-ID", { dateStyle: "long", timeZone: "UTC" }).format(d);
}

export interface WindowLineData {
  layer: "internal" | "external";
  releasedAt: string | null;
  window: {
    opensOn: string;
    closesOn: string;
    source: "organisation" | "installation" | "default";
    workingDays: number | null;
    unknownHolidayYears: number[];
  } | null;
  phase: { phase: "before" | "open" | "closed"; workingDaysLeft: number } | null;
}

export function layerName(t: ReturnType<typeof useT>, layer: string): string {
  return t(`eval.layer.${layer}` as MessageKey);
}

/** One layer's window: the dates, how many working days are left, and where the window comes from. */
export function WindowLine({ w, withSource = true }: { w: WindowLineData; withSource?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const layer = layerName(t, w.layer);
  if (!w.window || !w.phase)
    return (
      <p className="muted" data-testid={`appeal-window-${w.layer}`}>
        {t("appeal.window.notReleased", { layer })}
      </p>
    );
  const opens = longDate(w.window.opensOn, locale);
  const closes = longDate(w.window.closesOn, locale);
  const text =
    w.phase.phase === "before"
      ? t("appeal.window.before", { layer, opens, closes })
      : w.phase.phase === "closed"
        ? t("appeal.window.closed", { layer, closes })
        : w.phase.workingDaysLeft <= 1
          ? t("appeal.window.openLastDay", { layer, closes })
          : t("appeal.window.open", { layer, closes, days: w.phase.workingDaysLeft });
  return (
    <div data-testid={`appeal-window-${w.layer}`}>
      <p className={w.phase.phase === "open" ? "alert alert-ok" : undefined}>
        <strong>{text}</strong>
      </p>
      {withSource ? (
        <p className="small muted">
          {w.window.source === "default"
            ? t("appeal.window.sourceDefault", { days: w.window.workingDays ?? 10, released: longDate(w.window.opensOn, locale) })
            : t(w.window.source === "organisation" ? "appeal.window.sourceOrganisation" : "appeal.window.sourceInstallation")}
          {w.window.unknownHolidayYears.length
            ? ` ${t("appeal.window.unknownHolidays", { years: w.window.unknownHolidayYears.join(", ") })}`
            : null}
        </p>
      ) : null}
    </div>
  );
}

export function StatusBadge({ status }: { status: "diajukan" | "diterima" | "ditolak" }) {
  const t = useT();
  return (
    <strong className={`appeal-status appeal-status-${status}`} data-testid="appeal-status">
      {t(`appeal.status.${status}`)}
    </strong>
  );
}

/** An appeal as the pages show it (the service's view, without what the pages do not read). */
export type AppealRecord = Omit<AppealView, "filedById" | "files" | "layerTotal"> & {
  layerTotal?: number | null;
  files: Pick<AppealFileView, "id" | "filename" | "size">[];
};

const PREWRAP = { whiteSpace: "pre-wrap" } as const;

const size = (n: number, locale: Locale) =>
  n < 1024 * 1024 ? `${formatNumber(n / 1024, locale, 0)} KB` : `${formatNumber(n / (1024 * 1024), locale, 1)} MB`;

/** One appeal as its record reads: status, who and when, the reason and files, the response and the values. */
export function AppealEntry({ a, item, heading = true }: { a: AppealRecord; item: AnswerItem | null; heading?: boolean }) {
  const t = useT();
  const locale = useLocale();
  return (
    <article className="card-inner" id={`appeal-${a.id}`} data-testid="appeal-entry" data-status={a.status}>
      {heading ? (
        <h3>
          <code>{a.itemId}</code> · {t("appeal.layerLabel", { layer: layerName(t, a.layer) })} · <StatusBadge status={a.status} />
        </h3>
      ) : null}
      <p className="small muted">{t("appeal.filedBy", { name: a.filedBy ?? "–", at: formatDate(a.filedAt, locale) })}</p>
      <dl className="facts">
        <dt>{t("appeal.valueBefore")}</dt>
        <dd>{answerText(item, a.valueBefore, locale)}</dd>
        <dt>{t("appeal.reason")}</dt>
        <dd style={PREWRAP} className="break-anywhere">
          {a.reason}
        </dd>
        <dt>{t("appeal.files")}</dt>
        <dd>
          <ul>
            {a.files.map((f) => (
              <li key={f.id}>
                <a
                  href={`/assessments/${a.assessmentId}/appeals/${a.id}/files/${f.id}`}
                  className="break-anywhere"
                  data-testid="appeal-file"
                >
                  {f.filename}
                </a>{" "}
                <span className="small muted">({size(f.size, locale)})</span>
              </li>
            ))}
          </ul>
        </dd>
        {a.response ? (
          <>
            <dt>{t("appeal.response")}</dt>
            <dd style={PREWRAP} className="break-anywhere" data-testid="appeal-response">
              {a.response}
            </dd>
          </>
        ) : null}
        {a.status === "diterima" ? (
          <>
            <dt>{t("appeal.valueAfter")}</dt>
            <dd data-testid="appeal-value-after">{answerText(item, a.valueAfter, locale)}</dd>
            {a.layerTotal !== undefined && a.layerTotal !== null ? (
              <>
                <dt>{t("appeal.layerTotalAfter", { layer: layerName(t, a.layer) })}</dt>
                <dd data-testid="appeal-layer-total">{formatNumber(a.layerTotal, locale, 2)}</dd>
              </>
            ) : null}
          </>
        ) : null}
      </dl>
      {a.decidedAt ? (
        <p className="small muted">
          {t("appeal.decidedBy", { name: a.decidedBy ?? "–", at: formatDate(a.decidedAt, locale) })}
          {a.sealSeq !== null ? (
            <>
              {" · "}
              <Link to={`/assessments/${a.assessmentId}/receipt?seal=${a.sealSeq}`} data-testid="appeal-seal-link">
                {t("appeal.sealLink", { seq: a.sealSeq })}
              </Link>
            </>
          ) : null}
        </p>
      ) : null}
    </article>
  );
}
