import { formatNumber, type Locale } from "~/i18n";
import { useLocale } from "~/i18n/use-t";
import { shownZero, signedNumber } from "~/components/charts/numbers";
import { useDashT } from "./dash-t";

interface Item {
  id: string;
  label: string;
  before: number;
  after: number;
  delta: number;
  answerBefore: string | null;
  answerAfter: string | null;
}
interface Group {
  id: string;
  label: string;
  before: number;
  after: number;
  delta: number;
  items: Item[];
}
interface Area extends Omit<Group, "items"> {
  groups: Group[];
}
export interface PartView {
  before: number;
  after: number;
  delta: number;
  areas: Area[];
}

const n2 = (v: number, locale: Locale) => formatNumber(v, locale, 2);
/** A signed change with a word, so its direction never rests on colour alone; one that rounds to zero reads 0,00. */
function Delta({ v }: { v: number }) {
  const locale = useLocale();
  const t = useDashT();
  if (shownZero(v, 2) === 0) return <span className="muted">{signedNumber(0, locale)}</span>;
  return (
    <span className={v > 0 ? "delta-up" : "delta-down"}>
      {signedNumber(v, locale)} <span className="sr-only">{v > 0 ? t("dash.move.up") : t("dash.move.down")}</span>
    </span>
  );
}

/** Area → sub-area → item, each expandable, with the points before, after and the contribution. */
export function MovementTree({ part, title, testId }: { part: PartView; title: string; testId: string }) {
  const t = useDashT();
  const locale = useLocale();
  return (
    <section className="card" data-testid={testId}>
      <h2>
        {title}: <Delta v={part.delta} />
      </h2>
      <div className="table-scroll">
        <table className="data-table movement">
          <thead>
            <tr>
              <th scope="col">{t("dash.col.area")}</th>
              <th scope="col" className="num">
                {t("dash.move.col.before")}
              </th>
              <th scope="col" className="num">
                {t("dash.move.col.after")}
              </th>
              <th scope="col" className="num">
                {t("dash.move.col.change")}
              </th>
            </tr>
          </thead>
          <tbody>
            {part.areas.map((a) => (
              <tr key={a.id} data-area={a.id}>
                <td>
                  <details>
                    <summary>
                      {a.id} {a.label}
                    </summary>
                    <ul className="tree">
                      {a.groups.map((g) => (
                        <li key={g.id}>
                          <details>
                            <summary>
                              {g.id} {g.label}: {n2(g.before, locale)} → {n2(g.after, locale)} (<Delta v={g.delta} />)
                            </summary>
                            <ul className="tree">
                              {g.items.map((i) => (
                                <li key={i.id} data-item={i.id}>
                                  <strong>{i.id}</strong> {i.label}: {i.answerBefore ?? t("dash.notAnswered")} →{" "}
                                  {i.answerAfter ?? t("dash.notAnswered")} (
                                  <Delta v={i.delta} />)
                                </li>
                              ))}
                            </ul>
                          </details>
                        </li>
                      ))}
                    </ul>
                  </details>
                </td>
                <td className="num">{n2(a.before, locale)}</td>
                <td className="num">{n2(a.after, locale)}</td>
                <td className="num">
                  <Delta v={a.delta} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
