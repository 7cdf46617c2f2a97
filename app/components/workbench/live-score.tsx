import { formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import type { IndexResult } from "~/domain/scoring/types";
import { IndexBreakdown } from "./index-breakdown";

interface Props {
  total: number;
  max: number;
  area: { id: string; label: string; value: number; weight: number };
  groups: { id: string; label: string; value: number; weight: number }[];
  predicate: string | null;
  index?: IndexResult | null;
}

/** The score as the user types, from the same engine the server uses. */
export function LiveScore({ total, max, area, groups, predicate, index = null }: Props) {
  const t = useT();
  const locale = useLocale();
  const f = (v: number) => formatNumber(v, locale, 2);
  return (
    <aside className="card live-score" aria-live="polite" data-testid="live-score">
      <h2>{t("workbench.liveScore")}</h2>
      <p className="big-number">
        <span data-testid="live-total">{f(total)}</span> / {f(max)}
      </p>
      {predicate ? (
        <p>
          {t("workbench.predicate")}: <span data-testid="live-predicate">{predicate}</span>
        </p>
      ) : null}
      {index ? <IndexBreakdown index={index} /> : null}
      <p>
        <strong>{area.id}</strong> {area.label}: <span data-testid="live-area">{f(area.value)}</span> / {f(area.weight)}
      </p>
      <ul className="small">
        {groups.map((g) => (
          <li key={g.id}>
            {g.id} {g.label}: <span data-testid={`live-group-${g.id}`}>{f(g.value)}</span> / {f(g.weight)}
          </li>
        ))}
      </ul>
      <p className="muted small">{t("workbench.liveHelp")}</p>
    </aside>
  );
}
