import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { contentDisposition } from "~/services/evidence/rules";
import { templateWorkbook } from "~/services/excel/export.server";

/** A blank LKE workbook of a published instrument (signed-in users only; it holds no assessment data). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = params.instrument ?? "";
  // The family's current published version: a content file or a release published in the app.
  const buf = await templateWorkbook(getDb(), id, user.email);
  if (!buf) throw notFound();
  return new Response(new Uint8Array(buf), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Length": String(buf.length),
      "Content-Disposition": contentDisposition("attachment", `LKE ${id} templat.xlsx`),
      "Cache-Control": "private, no-store",
    },
  });
}
