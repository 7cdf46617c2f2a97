import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/require.server";
import { answerItemOf, answerText, type AnswerItem } from "~/components/evaluation/answer-text";
import { getDb } from "~/db.server";
import { outlineOf } from "~/domain/instrument/outline";
import type { Json, Mismatch, MismatchWhat } from "~/domain/seal/document";
import { formatDate, formatNumber, type Locale, type MessageKey, type Translate } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { verifyAssessment, type SealIssue } from "~/services/seal/seal.server";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle<typeof loader>("seal.verifyTitle", (d) => `${d.assessment.unit} ${d.assessment.year}`);

/** Recomputes the sealed submission from the database and the evidence store; every difference by item or file. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  const raw = new URL(request.url).searchParams.get("seal");
  const seq = raw !== null && /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) : undefined;
  const report = await verifyAssessment(db, ctx.assessment.id, { seq });
  // The items of changed answers, so the page reads their values as people do (never JSON).
  const items = outlineOf(ctx.instrument).items;
  const answerItems: Record<string, AnswerItem | null> = {};
  for (const m of report.mismatches) if (m.kind === "answer") answerItems[m.at] = answerItemOf(items.get(m.at));
  for (const s of report.seals) if (s.appeal) answerItems[s.appeal.item] = answerItemOf(items.get(s.appeal.item));
  return { assessment: { id: ctx.assessment.id, unit: ctx.unit.name, year: ctx.period.year }, report, answerItems };
}

// The report's English `problems` and `message`s are for `cermin verify`; the page says them in the reader's language.
const ISSUE: Record<SealIssue["code"], MessageKey> = {
  noSeal: "seal.none",
  signature: "seal.problem.signature",
  document: "seal.problem.document",
  chain: "seal.problem.chain",
  noSuchSeal: "seal.problem.noSuchSeal",
};
const KIND: Record<Mismatch["kind"], MessageKey> = {
  assessment: "seal.kind.assessment",
  instrument: "seal.kind.instrument",
  answer: "seal.kind.answer",
  evidence: "seal.kind.evidence",
  score: "seal.kind.score",
};
const FIELD: Record<string, MessageKey> = {
  "assessment.id": "seal.field.assessment.id",
  "assessment.unit": "seal.field.assessment.unit",
  "assessment.organisation": "seal.field.assessment.organisation",
  "assessment.period": "seal.field.assessment.period",
  "assessment.year": "seal.field.assessment.year",
  "instrument.id": "seal.field.instrument.id",
  "instrument.version": "seal.field.instrument.version",
  "instrument.hash": "seal.field.instrument.hash",
  "score.total": "seal.field.score.total",
  "score.predicate": "seal.field.score.predicate",
};
const WHAT: Record<MismatchWhat, MessageKey> = {
  field: "seal.what.field",
  answerRemoved: "seal.what.answerRemoved",
  answerAdded: "seal.what.answerAdded",
  value: "seal.what.value",
  note: "seal.what.note",
  evidenceRemoved: "seal.what.evidenceRemoved",
  evidenceAdded: "seal.what.evidenceAdded",
  fileMissing: "seal.what.fileMissing",
  fileChanged: "seal.what.fileChanged",
  link: "seal.what.link",
  renamed: "seal.what.renamed",
  items: "seal.what.items",
};
const LAYER: Record<string, MessageKey> = { internal: "eval.layer.internal", external: "eval.layer.external" };

/** Where a difference is: the item (with its evaluator layer), the file, or the part of the assessment. */
function mismatchWhere(m: Mismatch, t: Translate): string {
  if (m.kind === "answer") return m.layer && m.layer !== "self" ? `${m.at} (${LAYER[m.layer] ? t(LAYER[m.layer]!) : m.layer})` : m.at;
  if (m.kind === "evidence") return m.at;
  const field = FIELD[`${m.kind}.${m.at}`];
  return field ? t(field) : m.at;
}

/** A sealed or current value as people read it: answers by their option's criterion, numbers in the locale. */
function mismatchValue(m: Mismatch, v: Json | undefined, item: AnswerItem | null | undefined, locale: Locale): string {
  if (v === undefined || v === null || v === "") return "–";
  if (m.what === "value" || m.what === "answerAdded" || m.what === "answerRemoved") return answerText(item, v, locale);
  if (m.what === "note") return `“${String(v)}”`;
  if (m.what === "fileChanged" && typeof v === "string") return `${v.slice(0, 12)}…`;
  if (Array.isArray(v)) return v.join(", ");
  if (typeof v === "number") return formatNumber(v, locale);
  return typeof v === "object" ? answerText(null, v, locale) : String(v);
}

export default function VerifyPage() {
  const { assessment, report, answerItems } = useLoaderData<typeof loader>();
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
            {s.appeal ? (
              <span data-testid="verify-appeal">
                {" "}
                — {t("appeal.seal.mark", { item: s.appeal.item })}:{" "}
                {t("appeal.seal.summary", {
                  item: s.appeal.item,
                  layer: t(LAYER[s.appeal.layer] ?? "eval.layer.external"),
                  before: answerText(answerItems[s.appeal.item], s.appeal.valueBefore, locale),
                  after: answerText(answerItems[s.appeal.item], s.appeal.valueAfter, locale),
                })}
                ; {t("appeal.response")}: {s.appeal.response}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      {/* With no seal at all the alert above says so; every other problem and difference is listed. */}
      {report.mismatches.length + report.issues.filter((p) => p.code !== "noSeal").length > 0 ? (
        <table data-testid="verify-mismatches">
          <thead>
            <tr>
              <th>{t("seal.col.check")}</th>
              <th>{t("seal.col.where")}</th>
              <th>{t("seal.col.what")}</th>
            </tr>
          </thead>
          <tbody>
            {report.issues
              .filter((p) => p.code !== "noSeal")
              .map((p, i) => (
                <tr key={`issue-${i}`}>
                  <td>{t("seal.kind.seal")}</td>
                  <td>{p.seq === undefined ? "—" : t("seal.seq", { seq: p.seq })}</td>
                  <td>{t(ISSUE[p.code], { seq: p.seq ?? "" })}</td>
                </tr>
              ))}
            {report.mismatches.map((m, i) => {
              const item = answerItems[m.at];
              return (
                <tr key={i}>
                  <td>{t(KIND[m.kind])}</td>
                  <td>{mismatchWhere(m, t)}</td>
                  <td>
                    {t(WHAT[m.what], {
                      before: mismatchValue(m, m.before, item, locale),
                      after: mismatchValue(m, m.after, item, locale),
                    })}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </article>
  );
}
