import { useLocation } from "@remix-run/react";
import { useT } from "~/i18n/use-t";

/**
 * "Confirm all carried-over answers in this area / in this assessment" (issue #27): plain form posts
 * to /assessments/:id/confirm-carried, which comes back here with the counts for the message.
 */
export function ConfirmCarried({ assessmentId, areaId, carriedInArea }: { assessmentId: string; areaId: string; carriedInArea: number }) {
  const t = useT();
  const location = useLocation();
  const query = new URLSearchParams(location.search);
  const confirmed = query.get("carried.confirmed");
  const skipped = Number(query.get("carried.skipped") ?? 0);
  const redirectTo = location.pathname;
  return (
    <>
      {confirmed !== null ? (
        <p className="alert alert-ok" role="status" data-testid="carried-result">
          {t("workbench.carriedConfirmed", { n: Number(confirmed) })}
          {skipped > 0 ? ` ${t("workbench.carriedSkipped", { n: skipped })}` : null}
        </p>
      ) : null}
      {carriedInArea > 0 ? (
        <div className="card row" data-testid="confirm-carried">
          <span>{t("workbench.carriedInArea", { n: carriedInArea })}</span>
          <form method="post" action={`/assessments/${assessmentId}/confirm-carried`}>
            <input type="hidden" name="area" value={areaId} />
            <input type="hidden" name="redirectTo" value={redirectTo} />
            <button type="submit">{t("workbench.confirmAllArea")}</button>
          </form>
          <form method="post" action={`/assessments/${assessmentId}/confirm-carried`}>
            <input type="hidden" name="redirectTo" value={redirectTo} />
            <button type="submit" className="secondary">
              {t("workbench.confirmAllAssessment")}
            </button>
          </form>
        </div>
      ) : null}
    </>
  );
}
