import { answerText, type AnswerItem } from "~/components/evaluation/answer-text";
import type { SealAppeal } from "~/domain/seal/document";
import { formatDate, formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { layerName } from "./appeal-parts";

/** The accepted appeal an "appeal" seal records, as rows of the receipt's list (issue #30): signed with the receipt. */
export function AppealSealFacts({ appeal, item }: { appeal: SealAppeal; item: AnswerItem | null }) {
  const t = useT();
  const locale = useLocale();
  const layer = layerName(t, appeal.layer);
  return (
    <>
      <dt title={t("appeal.seal.heading")}>{t("appeal.title")}</dt>
      {/* A grid cell may shrink below its longest word (min-width 0), so a phone never scrolls sideways. */}
      <dd data-testid="receipt-appeal" className="break-anywhere" style={{ minWidth: 0 }}>
        <p>
          <strong>
            {t("appeal.seal.summary", {
              item: appeal.item,
              layer,
              before: answerText(item, appeal.valueBefore, locale),
              after: answerText(item, appeal.valueAfter, locale),
            })}
          </strong>
        </p>
        <p>{t("appeal.seal.layerTotal", { layer, total: formatNumber(appeal.layerTotal, locale, 2) })}</p>
        <p className="break-anywhere">
          {t("appeal.reason")}: {appeal.reason}
        </p>
        <p className="break-anywhere">
          {t("appeal.response")}: {appeal.response}
        </p>
        <p className="small muted">
          {t("appeal.seal.filed", { name: appeal.filedBy, at: formatDate(appeal.filedAt, locale) })} ·{" "}
          {t("appeal.seal.decided", { name: appeal.decidedBy, at: formatDate(appeal.decidedAt, locale) })}
        </p>
      </dd>
    </>
  );
}
