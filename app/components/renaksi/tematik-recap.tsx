import { useT } from "~/i18n/use-t";
import type { TematikBeside } from "~/services/renaksi/tematik-beside.server";
import { Pct, QuarterHead } from "./plan-parts";

/** The Tematik recap per theme beside the worksheet's Tematik rows (rb-2024 §3.3), with the way to the chain. */
export function TematikRecapCard({ beside }: { beside: TematikBeside }) {
  const t = useT();
  return (
    <section className="card" data-testid="tematik-beside">
      <h2>{t("renaksi.besideTitle")}</h2>
      <p className="muted">{t("renaksi.tematikNoRubric")}</p>
      <table className="compact">
        <QuarterHead first={t("renaksi.theme")} extra={[t("renaksi.outputs")]} />
        <tbody>
          {beside.themes.map((th) => (
            <tr key={th.code}>
              <th scope="row">{th.name}</th>
              {th.recap.perTw.map((v, i) => (
                <td key={i}>
                  <Pct value={v} />
                </td>
              ))}
              <td>
                <Pct value={th.recap.total} />
              </td>
              <td>{th.recap.outputs}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <a href={`/renaksi/${beside.planId}/tematik`}>{t("renaksi.besideLink")}</a>
      </p>
    </section>
  );
}
