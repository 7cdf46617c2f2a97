import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/require.server";
import { readQuery } from "~/components/dashboard/query";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { chartForExport } from "~/services/dashboard/csv.server";
import { chartCsv, exportFileName } from "~/services/dashboard/export";

/**
 * CSV of exactly the data one chart draws, for the same scope and filters as the page it sits on, in
 * the reader's convention (Indonesian: `;` and a decimal comma; English: `,` and a decimal point; see
 * services/dashboard/export.ts). The same scope checks run as for the page: a viewer never gets numbers
 * outside their scope.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = await getLocale(request, user);
  const url = new URL(request.url);
  const chart = await chartForExport(getDb(), user, params.chart ?? "", url, readQuery(url), locale);
  return new Response(chartCsv(chart.table, locale), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${exportFileName(chart.id, "csv")}"`,
      "Content-Language": locale,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
