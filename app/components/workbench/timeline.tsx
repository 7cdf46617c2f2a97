import { formatDate } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import type { TimelineEntry } from "~/services/workbench/workflow.server";

/** A compact "old → new" rendering of an audit JSON value. */
function brief(v: unknown): string {
  if (v === null || v === undefined) return "–";
  const s = JSON.stringify(v);
  return s.length > 120 ? s.slice(0, 117) + "…" : s;
}

export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const t = useT();
  const locale = useLocale();
  if (entries.length === 0) return <p className="muted">{t("workbench.noHistory")}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {entries.map((e) => (
        <li key={e.id}>
          <span className="muted">{formatDate(e.at, locale)}</span> · {e.actor ?? "–"} · <code>{e.action}</code>
          {e.itemId ? <> · {e.itemId}</> : null}
          {e.before !== null || e.after !== null ? (
            <div className="muted small">
              {brief(e.before)} → {brief(e.after)}
            </div>
          ) : null}
          {e.reason ? <div className="small">{e.reason}</div> : null}
        </li>
      ))}
    </ol>
  );
}
