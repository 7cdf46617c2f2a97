import { IntentForm } from "~/components/form";
import type { MessageKey } from "~/i18n";
import { formatDate } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";

export interface FindingRow {
  id: string;
  year: number;
  itemId: string;
  layer: string;
  kind: "send_back" | "adjusted";
  recommendation: string;
  followUp: {
    action: string | null;
    owner: string | null;
    due: string | null;
    status: "open" | "in_progress" | "done";
    updatedAt: string | null;
  };
}

/** Evaluator findings with the unit's follow-up (RATL): action, owner, due date, status. */
export function FindingsCard({ findings, canWrite, title }: { findings: FindingRow[]; canWrite: boolean; title: MessageKey }) {
  const t = useT();
  const locale = useLocale();
  if (findings.length === 0) return null;
  return (
    <section className="card" data-testid="findings">
      <h2>{t(title)}</h2>
      <ul>
        {findings.map((f) => (
          <li key={f.id} className="finding">
            <strong>{f.itemId}</strong> · {f.year} · {t(`eval.layer.${f.layer}` as MessageKey)} ·{" "}
            {t(`eval.decision.${f.kind === "adjusted" ? "adjust" : "send_back"}` as MessageKey)}
            <p>{f.recommendation}</p>
            <p className="muted small">
              {t(`followup.${f.followUp.status}` as MessageKey)}
              {f.followUp.action ? ` · ${f.followUp.action}` : ""}
              {f.followUp.owner ? ` · ${f.followUp.owner}` : ""}
              {f.followUp.due ? ` · ${formatDate(f.followUp.due, locale)}` : ""}
            </p>
            {canWrite ? (
              <details>
                <summary>{t("eval.followUp")}</summary>
                <IntentForm intent="follow-up" fields={{ findingId: f.id }} className="row">
                  <div>
                    <label htmlFor={`fa-${f.id}`}>{t("eval.followUpAction")}</label>
                    <input id={`fa-${f.id}`} name="action" type="text" required maxLength={1000} defaultValue={f.followUp.action ?? ""} />
                  </div>
                  <div>
                    <label htmlFor={`fo-${f.id}`}>{t("eval.followUpOwner")}</label>
                    <input id={`fo-${f.id}`} name="owner" type="text" required maxLength={200} defaultValue={f.followUp.owner ?? ""} />
                  </div>
                  <div>
                    <label htmlFor={`fd-${f.id}`}>{t("eval.followUpDue")}</label>
                    <input id={`fd-${f.id}`} name="due" type="date" defaultValue={f.followUp.due ?? ""} />
                  </div>
                  <div>
                    <label htmlFor={`fs-${f.id}`}>{t("eval.followUpStatus")}</label>
                    <select id={`fs-${f.id}`} name="status" defaultValue={f.followUp.status}>
                      {(["open", "in_progress", "done"] as const).map((s) => (
                        <option key={s} value={s}>
                          {t(`followup.${s}` as MessageKey)}
                        </option>
                      ))}
                    </select>
                  </div>
                  <button type="submit">{t("common.save")}</button>
                </IntentForm>
              </details>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The evaluator's own list of findings on one assessment; when there is none, it says how one is made. */
export function EvaluatorFindings({
  findings,
}: {
  findings: Pick<FindingRow, "id" | "itemId" | "kind" | "recommendation" | "followUp">[];
}) {
  const t = useT();
  return (
    <section className="card">
      <h2>{t("eval.findings")}</h2>
      {findings.length === 0 ? (
        <p className="muted" data-testid="no-findings">
          {t("eval.noFindings")} {t("eval.howFindings")}
        </p>
      ) : (
        <ul>
          {findings.map((fd) => (
            <li key={fd.id}>
              <strong>{fd.itemId}</strong> ({t(`eval.decision.${fd.kind === "adjusted" ? "adjust" : "send_back"}` as MessageKey)}):{" "}
              {fd.recommendation} — {t(`followup.${fd.followUp.status}` as MessageKey)}
              {fd.followUp.action ? ` · ${fd.followUp.action}` : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
