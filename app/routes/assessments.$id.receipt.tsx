import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import QRCode from "qrcode";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import type { Receipt, SealDocument } from "~/domain/seal/document";
import { outlineOf } from "~/domain/instrument/outline";
import { BackLink } from "~/components/back-link";
import { PrintButton } from "~/components/dashboard/print-button";
import { formatDate, formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { listSeals } from "~/services/seal/seal.server";
import { pageTitle } from "~/i18n/page-title";
import { AppealSealFacts } from "~/components/appeals/seal-facts";
import { answerItemOf } from "~/components/evaluation/answer-text";

export const meta = pageTitle<typeof loader>("seal.receiptTitle", (d) => `${d.assessment.unit} ${d.assessment.year}`);

/** The receipt of a sealed submission (the latest seal, or ?seal=N): printable, with a QR code to verify it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  const seals = await listSeals(db, ctx.assessment.id);
  const wanted = Number(new URL(request.url).searchParams.get("seal") ?? NaN);
  const seal = Number.isInteger(wanted) ? seals.find((s) => s.seq === wanted) : seals[seals.length - 1];
  if (Number.isInteger(wanted) && !seal) throw new Response("error.notFound", { status: 404 });
  const receipt = seal ? (JSON.parse(seal.receipt_json) as Receipt) : null;
  // The QR code carries the verify link and the document hash, so a printed receipt can be checked from a phone.
  const qr = receipt
    ? await QRCode.toString(`${receipt.verifyUrl}#sha256=${receipt.documentHash}`, { type: "svg", errorCorrectionLevel: "M", margin: 1 })
    : null;
  // What the seal vouches for, in numbers a person checks: the sealed total, predicate and completeness.
  const state = seal ? (JSON.parse(seal.document_json) as SealDocument).state : null;
  const itemCount = outlineOf(ctx.instrument).items.size;
  const answered = state ? (state.layers.self ?? []).filter((a) => a.value !== null).length : 0;
  return {
    sealed: state ? { total: state.score.total, predicate: state.score.predicate, answered, itemCount } : null,
    assessment: {
      id: ctx.assessment.id,
      unit: ctx.unit.name,
      organisation: ctx.organisationName,
      year: ctx.period.year,
      instrument: ctx.instrument.title,
    },
    receipt,
    sealHash: seal?.seal_hash ?? null,
    qr,
    seals: seals.map((s) => ({ seq: s.seq, event: s.event, at: s.created_at })),
    // An "appeal" seal (issue #30): how the appealed row's values read.
    appealItem: receipt?.appeal ? answerItemOf(outlineOf(ctx.instrument).items.get(receipt.appeal.item)) : null,
  };
}

export default function ReceiptPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const r = d.receipt;
  return (
    <article className="report" data-testid="receipt">
      <div className="no-print">
        <BackLink to={`/assessments/${d.assessment.id}`}>
          {d.assessment.unit} · {d.assessment.year}
        </BackLink>
      </div>
      <h1>{t("seal.receiptTitle")}</h1>
      <p>
        {d.assessment.organisation} — {d.assessment.unit} — {d.assessment.year} — {d.assessment.instrument}
      </p>
      {!r ? (
        <p className="alert">{t("seal.none")}</p>
      ) : (
        <>
          <p>{t("seal.receiptIntro")}</p>
          {d.sealed ? (
            <p data-testid="receipt-score">
              {t("seal.sealedScore", {
                total: formatNumber(d.sealed.total, locale, 2),
                predicate: d.sealed.predicate ?? "–",
                answered: d.sealed.answered,
                items: d.sealed.itemCount,
              })}
            </p>
          ) : null}
          <div className="no-print">
            <PrintButton label={t("seal.print")} />
          </div>
          {/* Both columns may shrink and every value breaks anywhere (hashes, e-mail addresses): a 390 px phone does not scroll sideways. */}
          <dl className="receipt break-anywhere" style={{ gridTemplateColumns: "minmax(0, max-content) minmax(0, 1fr)" }}>
            <dt>{t("seal.seq", { seq: r.seq })}</dt>
            <dd>{t(`seal.event.${r.event}` as MessageKey)}</dd>
            <dt>{t("seal.documentHash")}</dt>
            <dd>
              <code data-testid="receipt-hash">{r.documentHash}</code>
            </dd>
            <dt>{t("seal.sealHash")}</dt>
            <dd>
              <code>{d.sealHash}</code>
            </dd>
            <dt>{t("seal.previous")}</dt>
            <dd>
              <code>{r.previousAssessmentSeal ?? "—"}</code>
            </dd>
            <dt>{t("seal.previousOrg")}</dt>
            <dd>
              <code>{r.previousOrganisationSeal ?? "—"}</code>
            </dd>
            <dt>{t("seal.signer")}</dt>
            <dd>
              {r.signer.name} ({r.signer.email})
            </dd>
            <dt>{t("seal.signedAt")}</dt>
            <dd>{formatDate(r.signedAt, locale)}</dd>
            {r.origin ? (
              <>
                <dt>{t("historical.origin")}</dt>
                <dd data-testid="receipt-origin">
                  {r.origin.file} (SHA-256 <code className="break-anywhere">{r.origin.sha256}</code>)
                </dd>
              </>
            ) : null}
            {r.appeal ? <AppealSealFacts appeal={r.appeal} item={d.appealItem} /> : null}
            <dt>{t("seal.keyId")}</dt>
            <dd>
              <code>{r.keyId}</code>
            </dd>
          </dl>
          {d.qr ? (
            // The drawing is an image named by its caption (issue #28: the QR code had no accessible name).
            <figure className="qr" data-testid="receipt-qr">
              <div role="img" aria-labelledby="receipt-qr-caption" dangerouslySetInnerHTML={{ __html: d.qr }} />
              <figcaption id="receipt-qr-caption" className="muted small">
                {t("seal.qr")}
              </figcaption>
            </figure>
          ) : null}
          <p className="no-print">
            <a href={`/assessments/${d.assessment.id}/receipt.json?seal=${r.seq}`} download data-testid="receipt-download">
              {t("seal.download")}
            </a>{" "}
            · <Link to={`/assessments/${d.assessment.id}/verify?seal=${r.seq}`}>{t("seal.verifyLink")}</Link>
          </p>
        </>
      )}
      {d.seals.length > 1 ? (
        <section>
          <h2>{t("seal.history")}</h2>
          <ol>
            {d.seals.map((s) => (
              <li key={s.seq}>
                <Link to={`?seal=${s.seq}`}>{t("seal.seq", { seq: s.seq })}</Link> — {t(`seal.event.${s.event}` as MessageKey)},{" "}
                {formatDate(s.at, locale)}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </article>
  );
}
