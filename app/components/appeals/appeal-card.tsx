import { Link } from "@remix-run/react";
import { useT } from "~/i18n/use-t";
import { WindowLine, type WindowLineData } from "./appeal-parts";

/** The overview's appeal card (issue #30): each released layer's window and the appeals so far, linked to the appeals page. */
export function AppealCard({
  assessmentId,
  summary,
}: {
  assessmentId: string;
  summary: { windows: WindowLineData[]; counts: { diajukan: number; diterima: number; ditolak: number }; ownTeam: boolean };
}) {
  const t = useT();
  const c = summary.counts;
  return (
    <section className="card" data-testid="appeal-card">
      <h2>{t("appeal.title")}</h2>
      {summary.windows.map((w) => (
        <WindowLine key={w.layer} w={w} withSource={false} />
      ))}
      <p>{t("appeal.card.counts", { open: c.diajukan, accepted: c.diterima, rejected: c.ditolak })}</p>
      <p>
        <Link to={`/assessments/${assessmentId}/appeals`} data-testid="appeal-link">
          {summary.ownTeam ? t("appeal.card.link") : t("appeal.card.linkRead")}
        </Link>
      </p>
    </section>
  );
}
