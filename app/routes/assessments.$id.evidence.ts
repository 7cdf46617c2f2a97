import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { safeRedirect } from "~/auth/session.server";
import { getDb } from "~/db.server";
import type { MessageKey } from "~/i18n";
import { requireAssessment } from "~/services/workbench/assessments.server";
import {
  EvidenceError,
  withEvidenceError,
  withEvidenceNotice,
  plainSize,
  type EvidenceNotice,
  type EvidenceView,
} from "~/services/evidence/rules";
import {
  addStagedEvidences,
  attachEvidence,
  detachEvidence,
  evidenceMaxBytes,
  linkEvidence,
  readEvidencePost,
  removeEvidence,
  type EvidenceOptions,
  type EvidenceUpload,
} from "~/services/evidence/evidence.server";
import { formValues, type FieldErrors } from "~/utils/forms";

/** Resource route: evidence is changed here and shown on the assessment pages. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request);
  return redirect(`/assessments/${encodeURIComponent(params.id ?? "")}`);
}

const IntentSchema = z.enum(["upload", "link", "attach", "detach", "remove"]);
type Intent = z.infer<typeof IntentSchema>;

/** A plain HTML form post (no JavaScript): answer with a redirect, never with a JSON page. */
function isDocumentPost(request: Request): boolean {
  const mode = request.headers.get("sec-fetch-mode");
  if (mode) return mode === "navigate";
  return (request.headers.get("accept") ?? "").includes("text/html");
}

function field(formData: FormData, name: string, max = 64, required = true): string {
  const raw = formData.get(name);
  const value = typeof raw === "string" ? raw.trim() : "";
  if (required && !value) throw new EvidenceError("error.required", name);
  if (value.length > max) throw new EvidenceError("error.tooLong", name);
  return value;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!, "assessment.fill");
  const maxBytes = evidenceMaxBytes();
  const tooLarge = () =>
    refusal(
      {
        ok: false as const,
        formError: "evidence.requestTooLarge" as MessageKey,
        formParams: { max: plainSize(maxBytes) },
        fieldErrors: {},
        values: {},
      },
      { status: 413 },
    );
  // The HTTP server caps bodies at the same figure; checked here too so no other entry point parses more.
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes + 1024 * 1024) return tooLarge();
  // Streamed: the files go to temporary files as they arrive (evidence/upload.server.ts), deleted in the finally below.
  let formData: FormData;
  let upload: EvidenceUpload;
  try {
    ({ formData, upload } = await readEvidencePost(request, { maxBytes }));
  } catch (e) {
    if (e instanceof EvidenceError && e.status === 413) return tooLarge();
    throw e;
  }
  try {
    const values = formValues(formData);
    const redirectTo = formData.get("redirectTo");
    const back = typeof redirectTo === "string" && redirectTo ? safeRedirect(redirectTo, `/assessments/${ctx.assessment.id}`) : null;
    const parsedIntent = IntentSchema.safeParse(formData.get("intent"));
    const intent: Intent | undefined = parsedIntent.success ? parsedIntent.data : undefined;
    const opts: EvidenceOptions = {
      ip: context.ip ?? null,
      overrideReason: typeof values.overrideReason === "string" ? values.overrideReason : null,
    };

    let evidence: EvidenceView[];
    // An upload or link whose content is already there (on the item, or attached from another): said, not duplicated.
    let notices: EvidenceNotice[] = [];
    try {
      if (!intent) throw new EvidenceError("error.unknownIntent", "intent");
      if (intent === "upload") {
        const itemId = field(formData, "itemId");
        ({ evidence, notices } = await addStagedEvidences(db, user, ctx, itemId, upload, field(formData, "evidenceDate", 10, false), opts));
      } else if (intent === "link") {
        const itemId = field(formData, "itemId");
        const input = {
          url: field(formData, "url", 4000),
          name: field(formData, "name", 500, false),
          evidenceDate: field(formData, "evidenceDate", 10, false),
        };
        ({ evidence, notices } = await linkEvidence(db, user, ctx, itemId, input, opts));
      } else if (intent === "remove") {
        evidence = [await removeEvidence(db, user, ctx, field(formData, "evidenceId"), opts)];
      } else {
        const evidenceId = field(formData, "evidenceId");
        const itemId = field(formData, "itemId");
        const op = intent === "attach" ? attachEvidence : detachEvidence;
        evidence = [await op(db, user, ctx, evidenceId, itemId, opts)];
      }
    } catch (e) {
      if (!(e instanceof EvidenceError)) throw e;
      if (back && isDocumentPost(request)) {
        throw redirect(withEvidenceError(back, { key: e.key, itemId: values.itemId ?? null, params: e.params }));
      }
      const fieldErrors: FieldErrors = e.field ? { [e.field]: e.key as MessageKey } : {};
      return refusal(
        {
          ok: false as const,
          intent,
          formError: (e.key === "error.required" || e.key === "error.tooLong" ? "error.form" : e.key) as MessageKey,
          formParams: e.params,
          fieldErrors,
          values,
        },
        { status: e.status },
      );
    }
    const [notice] = notices;
    if (back) throw redirect(notice && values.itemId ? withEvidenceNotice(back, values.itemId.trim(), notice) : back);
    return { ok: true as const, intent, evidence, notices };
  } finally {
    await upload.dispose();
  }
}

/**
 * A refusal as JSON with its status. This is a resource route: Remix keeps the status of `data()`
 * only for its own `.data` requests (the panel's fetchers), and answers a plain HTTP client 200; a
 * Response carries the status to both.
 */
function refusal<T>(body: T, init: { status: number }): Response & { json(): Promise<T> } {
  return Response.json(body, init);
}
