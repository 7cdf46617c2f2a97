import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/require.server";
import { toCsv } from "~/components/charts/table-data";
import { readQuery } from "~/components/dashboard/query";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { chartForCsv } from "~/services/dashboard/csv.server";

/**
 * CSV of exactly the data one chart draws, for the same scope and filters as the page it sits on. The
 * same scope checks run as for the page: a viewer never gets numbers outside their scope.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = await getLocale(request, user);
  const url = new URL(request.url);
  const chart = await chartForCsv(getDb(), user, params.chart ?? "", url, readQuery(url), locale);
  const body = toCsv(chart.table, (l) => l);
  const name = `cermin-${chart.id}-${new Date().toISOString().slice(0, 10)}.csv`;
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
