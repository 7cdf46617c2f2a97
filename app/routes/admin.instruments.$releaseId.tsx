import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { z } from "zod";
import { forbidden, notFound, requireUser } from "~/auth/require.server";
import { FormAlert, feedbackFor } from "~/components/form";
import { getDb } from "~/db.server";
import { diffSize, type DiffLevel, type DiffSubject, type InstrumentDiff } from "~/domain/instrument/diff";
import { formatDate, formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { getReleaseView, publishRelease, ReleaseError } from "~/services/instruments/releases.server";
import { formFailure, formValues, readFormData } from "~/utils/forms";
import { IdSchema } from "~/utils/schemas";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle<typeof loader>("title.release", (d) => `${d.release.instrumentId} ${d.release.version}`);

function releaseId(params: LoaderFunctionArgs["params"]): string {
  const parsed = IdSchema.safeParse(params.releaseId);
  if (!parsed.success) throw notFound();
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!user.isAdmin) throw forbidden();
  return getReleaseView(getDb(), user, releaseId(params));
}

// Publishing changes what every later roll-out freezes: it takes an explicit confirmation (issue #27).
const PublishSchema = z.object({ intent: z.literal("publish"), confirm: z.literal("1") });

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!user.isAdmin) throw forbidden();
  const id = releaseId(params);
  const form = await readFormData(request);
  const values = formValues(form);
  if (form.get("intent") !== "publish") return formFailure("error.unknownIntent", values);
  if (!PublishSchema.safeParse({ intent: form.get("intent"), confirm: form.get("confirm") }).success)
    return data(
      {
        ok: false as const,
        formError: "instruments.publishConfirmRequired" as const,
        fieldErrors: { confirm: ["instruments.publishConfirmRequired"] },
        values,
      },
      { status: 400 },
    );
  try {
    await publishRelease(getDb(), user, id);
    return data({ ok: true as const, message: "instruments.publishedOk" as const });
  } catch (e) {
    if (e instanceof ReleaseError) return data({ ok: false as const, formError: e.key, fieldErrors: {}, values }, { status: 409 });
    throw e;
  }
}

function DiffTable({ title, rows, head, testId }: { title: string; rows: ReactNode[]; head: string[]; testId: string }) {
  if (rows.length === 0) return null;
  return (
    <section className="card" data-testid={testId}>
      <h2>
        {title} ({rows.length})
      </h2>
      <table>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>{rows}</tbody>
      </table>
    </section>
  );
}

/** A table cell holding an id or a code value. */
function CodeCell({ children }: { children: ReactNode }) {
  return (
    <td>
      <code>{children}</code>
    </td>
  );
}

function DiffTables({ diff }: { diff: InstrumentDiff }) {
  const t = useT();
  const locale = useLocale();
  const level = (l: DiffLevel) => t(`instruments.level.${l}`);
  const c = {
    id: t("instruments.col.id"),
    level: t("instruments.col.level"),
    label: t("instruments.col.label"),
    field: t("instruments.col.field"),
    from: t("instruments.col.from"),
    to: t("instruments.col.to"),
  };
  const key = (s: DiffSubject, extra = "") => `${s.level}:${s.id}:${extra}`;
  const subjectCells = (s: DiffSubject) => [
    <CodeCell key="id">{s.id}</CodeCell>,
    <td key="level">{level(s.level)}</td>,
    <td key="label">{s.label}</td>,
  ];
  // A changed field of a node or item (range, rule, wording): the same row in both tables; "–" for an empty side.
  const fieldRow = (s: DiffSubject & { field: string; from: string; to: string }) => (
    <tr key={key(s, s.field)}>
      <CodeCell>{s.id}</CodeCell>
      <td>{level(s.level)}</td>
      <td>{s.field}</td>
      <td>{s.from || "–"}</td>
      <td>{s.to || "–"}</td>
    </tr>
  );
  // [test id, title, head, rows] of each table, in the order an administrator reads a change.
  const tables: [string, string, string[], ReactNode[]][] = [
    ...(["added", "removed"] as const).map((kind): [string, string, string[], ReactNode[]] => [
      kind,
      t(`instruments.diff.${kind}`),
      [c.id, c.level, c.label],
      diff[kind].map((s) => <tr key={key(s)}>{subjectCells(s)}</tr>),
    ]),
    [
      "reweighted",
      t("instruments.diff.reweighted"),
      [c.id, c.level, c.label, c.from, c.to],
      diff.reweighted.map((s) => (
        <tr key={key(s)}>
          {subjectCells(s)}
          <td>{formatNumber(s.from, locale)}</td>
          <td>{formatNumber(s.to, locale)}</td>
        </tr>
      )),
    ],
    [
      "retyped",
      t("instruments.diff.retyped"),
      [c.id, c.label, c.from, c.to],
      diff.retyped.map((s) => (
        <tr key={key(s)}>
          <CodeCell>{s.id}</CodeCell>
          <td>{s.label}</td>
          <CodeCell>{s.from}</CodeCell>
          <CodeCell>{s.to}</CodeCell>
        </tr>
      )),
    ],
    ["range", t("instruments.diff.rangeChanged"), [c.id, c.level, c.field, c.from, c.to], diff.rangeChanged.map(fieldRow)],
    [
      "renamed",
      t("instruments.diff.renamed"),
      [t("instruments.col.oldId"), t("instruments.col.newId"), c.label],
      diff.renamed.map((s) => (
        <tr key={key(s)}>
          <CodeCell>{s.from}</CodeCell>
          <CodeCell>{s.to}</CodeCell>
          <td>{s.label}</td>
        </tr>
      )),
    ],
    ["relabelled", t("instruments.diff.relabelled"), [c.id, c.level, c.field, c.from, c.to], diff.relabelled.map(fieldRow)],
  ];
  return (
    <>
      {tables.map(([id, title, head, rows]) => (
        <DiffTable key={id} testId={`diff-${id}`} title={title} head={head} rows={rows} />
      ))}
    </>
  );
}

export default function InstrumentRelease() {
  const view = useLoaderData<typeof loader>();
  const feedback = feedbackFor(useActionData<typeof action>());
  const busy = useNavigation().state !== "idle";
  const t = useT();
  const locale = useLocale();
  const r = view.release;
  return (
    <>
      <p>
        <Link to="/admin/instruments">← {t("instruments.back")}</Link>
      </p>
      <h1>{t("instruments.releaseTitle", { instrument: r.instrumentId, version: r.version })}</h1>
      <section className="card">
        <p>
          <span className="tag" data-testid="release-status">
            {t(`instruments.status.${r.status}`)}
          </span>{" "}
          {r.title}
        </p>
        <p className="muted small">
          {t("instruments.fileName")}: {r.fileName} · sha256 <code data-testid="release-hash">{r.contentHash.slice(0, 12)}</code> ·{" "}
          {t("instruments.uploaded")} {formatDate(r.uploadedAt, locale)} ({r.uploadedBy ?? "–"})
          {r.publishedAt ? ` · ${t("instruments.publishedAt")} ${formatDate(r.publishedAt, locale)} (${r.publishedBy ?? "–"})` : null}
          {view.mapping ? ` · ${t("instruments.mapping")}: ${Object.keys(view.mapping.items).length}` : null}
        </p>
        {view.against ? (
          <p data-testid="release-against">
            {t("instruments.against", { version: view.against.version, hash: view.against.hash.slice(0, 12) })}
          </p>
        ) : r.previousHash ? (
          <p className="alert alert-warn">{t("instruments.previousMissing", { hash: r.previousHash.slice(0, 12) })}</p>
        ) : (
          <p>{t("instruments.newFamily")}</p>
        )}
        {view.diff ? (
          <p data-testid="release-change-count">
            {diffSize(view.diff) === 0 ? t("instruments.noChanges") : t("instruments.changeCount", { count: diffSize(view.diff) })}
          </p>
        ) : null}
        <FormAlert feedback={feedback} />
        {r.status === "draft" && view.stale ? (
          <p className="alert alert-warn" role="alert">
            {t("instruments.stale")}
          </p>
        ) : null}
        {r.status === "draft" && !view.stale ? (
          <Form method="post">
            <input type="hidden" name="intent" value="publish" />
            <p className="muted small">{t("instruments.publishHelp")}</p>
            <p>
              <label>
                <input type="checkbox" name="confirm" value="1" required data-testid="publish-confirm" /> {t("instruments.publishConfirm")}
              </label>
            </p>
            <p>
              <button type="submit" disabled={busy}>
                {t("instruments.publish")}
              </button>
            </p>
          </Form>
        ) : null}
      </section>
      {view.diff ? <DiffTables diff={view.diff} /> : null}
    </>
  );
}
