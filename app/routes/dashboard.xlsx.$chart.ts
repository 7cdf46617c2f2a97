import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/require.server";
import { readQuery } from "~/components/dashboard/query";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { chartForExport } from "~/services/dashboard/csv.server";
import { exportFileName } from "~/services/dashboard/export";
import { chartXlsx } from "~/services/dashboard/xlsx.server";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * The data one chart draws as an Excel workbook (typed numbers, see services/dashboard/xlsx.server.ts),
 * for the same scope and filters as its page. The same scope checks run as for the page and the CSV:
 * the chart is computed by the page's own service for this user.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = await getLocale(request, user);
  const url = new URL(request.url);
  const chart = await chartForExport(getDb(), user, params.chart ?? "", url, readQuery(url), locale);
  const buf = await chartXlsx(chart, locale);
  return new Response(new Uint8Array(buf), {
    headers: {
      "Content-Type": XLSX,
      "Content-Length": String(buf.length),
      "Content-Disposition": `attachment; filename="${exportFileName(chart.id, "xlsx")}"`,
      "Content-Language": locale,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
