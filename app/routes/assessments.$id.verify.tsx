import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { formatDate, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { verifyAssessment } from "~/services/seal/seal.server";

/** Recomputes the sealed submission from the database and the evidence store; every difference by item or file. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  const raw = new URL(request.url).searchParams.get("seal");
  const seq = raw !== null && /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) : undefined;
  const report = await verifyAssessment(db, ctx.assessment.id, { seq });
  return { assessment: { id: ctx.assessment.id, unit: ctx.unit.name, year: ctx.period.year }, report };
}

export default function VerifyPage() {
  const { assessment, report } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <article data-testid="verify">
      <h1>{t("seal.verifyTitle")}</h1>
      <p>
        {assessment.unit} — {assessment.year} · <Link to={`/assessments/${assessment.id}/receipt`}>{t("seal.receiptLink")}</Link>
      </p>
      {report.seals.length === 0 ? (
        <p className="alert">{t("seal.none")}</p>
      ) : (
        <p className={`alert ${report.ok ? "alert-ok" : "alert-error"}`} role="status" data-testid="verify-result">
          {report.ok ? t("seal.verifyOk") : t("seal.verifyFailed")}
        </p>
      )}
      {report.checked ? (
        <p>
          {t("seal.compared", {
            seq: report.checked.seq,
            event: t(`seal.event.${report.checked.event}` as MessageKey),
            at: formatDate(report.checked.at, locale),
          })}
        </p>
      ) : null}
      <ul>
        {report.seals.map((s) => (
          <li key={s.seq}>
            {t("seal.seq", { seq: s.seq })} ({t(`seal.event.${s.event}` as MessageKey)}, {formatDate(s.at, locale)}):{" "}
            {s.signatureOk ? t("seal.signatureOk") : t("seal.signatureBad")},{" "}
            {s.chainOk && s.documentOk ? t("seal.chainOk") : t("seal.chainBad")} — <code>{s.sealHash.slice(0, 16)}…</code>
            {s.origin ? <> — {t("historical.mark", { file: s.origin.file, sha256: s.origin.sha256 })}</> : null}
          </li>
        ))}
      </ul>
      {report.mismatches.length + report.problems.length > 0 ? (
        <table data-testid="verify-mismatches">
          <thead>
            <tr>
              <th>{t("seal.col.check")}</th>
              <th>{t("seal.col.where")}</th>
              <th>{t("seal.col.what")}</th>
            </tr>
          </thead>
          <tbody>
            {report.problems.map((p) => (
              <tr key={p}>
                <td>seal</td>
                <td>—</td>
                <td>{p}</td>
              </tr>
            ))}
            {report.mismatches.map((m, i) => (
              <tr key={i}>
                <td>{m.kind}</td>
                <td>
                  {m.at}
                  {m.layer && m.layer !== "self" ? ` [${m.layer}]` : ""}
                </td>
                <td>{m.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </article>
  );
}
