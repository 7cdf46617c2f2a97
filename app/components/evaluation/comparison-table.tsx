import type { MessageKey } from "~/i18n";
import { formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";

export interface ComparisonRow {
  itemId: string;
  self: unknown;
  evaluator: { layer: string; value: unknown; note: string | null } | null;
  delta: number;
}

/**
 * The items where an evaluator's answer differs from the team's, with the points the total moves by.
 * Each page says how an answer reads (`formatValue`) and whether the deciding layer is named.
 */
export function ComparisonTable({
  comparisons,
  testId,
  formatValue,
  showLayer = false,
}: {
  comparisons: ComparisonRow[];
  testId: string;
  /** How an answer of the item reads (an option with its criterion, counts with their labels). */
  formatValue: (value: unknown, itemId: string) => string;
  showLayer?: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th>{t("workbench.items")}</th>
          <th>{t("eval.teamAnswer")}</th>
          <th>{t("eval.evaluatorAnswer")}</th>
          <th>{t("eval.delta")}</th>
        </tr>
      </thead>
      <tbody>
        {comparisons.map((c) => (
          <tr key={c.itemId}>
            <td>{c.itemId}</td>
            <td>{formatValue(c.self, c.itemId)}</td>
            <td>
              {formatValue(c.evaluator?.value, c.itemId)}
              {showLayer ? (
                <>
                  {" "}
                  <span className="muted">({t(`eval.layer.${c.evaluator?.layer ?? "self"}` as MessageKey)})</span>
                </>
              ) : null}
              {c.evaluator?.note ? <div className="small">{c.evaluator.note}</div> : null}
            </td>
            <td>{formatNumber(c.delta, locale, 2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
