import { Form } from "@remix-run/react";
import { FormAlert, type ActionFeedback } from "~/components/form";
import { formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";

export interface LayerRow {
  layer: string;
  answered: number;
  /** Null when the layer scored no item: it has no score of its own. */
  total: number | null;
  released: boolean;
}

export interface UnfinishedRow {
  sampleId: string;
  strategy: string;
  seed: string;
  size: number;
  items: string[];
}

/** "84,63 · 12 butir dinilai", or "belum dinilai" for a layer that scored nothing. */
export function LayerScore({ total, answered }: { total: number | null; answered: number }) {
  const t = useT();
  const locale = useLocale();
  if (total === null || answered === 0) return <>{t("eval.notScored")}</>;
  return <>{t("eval.layerScore", { total: formatNumber(total, locale, 2), count: answered })}</>;
}

/** Samples not yet finished, each with its undecided items named. */
export function UnfinishedList({ samples }: { samples: UnfinishedRow[] }) {
  const t = useT();
  return (
    <ul className="small">
      {samples.map((s) => (
        <li key={s.sampleId}>
          {t("eval.unfinishedSample", {
            strategy: t(`eval.strategy.${s.strategy}` as MessageKey),
            seed: s.seed,
            open: s.items.length,
            size: s.size,
          })}
          : {s.items.join(", ")}
        </li>
      ))}
    </ul>
  );
}

/**
 * The score layers, each with its score and how many items it rests on; an unreleased layer the
 * evaluator may write gets a release form with a required confirmation naming unfinished samples
 * (a plain form: the confirmation works without JavaScript, and the server checks it too).
 */
export function LayersCard({
  layers,
  writable,
  unfinished,
  feedback,
  selfTotal,
  effectiveTotal,
  revokeForm,
}: {
  layers: LayerRow[];
  writable: readonly string[];
  unfinished: Record<string, UnfinishedRow[]>;
  feedback?: ActionFeedback;
  selfTotal: number;
  effectiveTotal: number;
  revokeForm: (layer: string) => React.ReactNode;
}) {
  const t = useT();
  const locale = useLocale();
  const f = (n: number) => formatNumber(n, locale, 2);
  const releasable = layers.filter((l) => l.layer !== "self" && !l.released && writable.includes(l.layer));
  return (
    <section className="card">
      <h2>{t("eval.layers")}</h2>
      <p className="big-number">
        {t("eval.selfTotal")}: <span data-testid="self-total">{f(selfTotal)}</span> · {t("eval.effectiveTotal")}:{" "}
        <span data-testid="effective-total">{f(effectiveTotal)}</span>
      </p>
      <table>
        <tbody>
          {layers.map((l) => (
            <tr key={l.layer} data-testid={`layer-${l.layer}`}>
              <td>{t(`eval.layer.${l.layer}` as MessageKey)}</td>
              <td>
                <LayerScore total={l.total} answered={l.answered} />
              </td>
              <td>
                {l.layer === "self" ? null : l.released ? t("eval.released") : t("eval.notReleased")}
                {l.layer !== "self" && l.released ? revokeForm(l.layer) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {releasable.map((l) => {
        const open = unfinished[l.layer] ?? [];
        const mine = feedback?.intent === "release" && feedback.values?.layer === l.layer ? feedback : undefined;
        return (
          <Form method="post" className="card-inner" key={l.layer} data-testid={`release-form-${l.layer}`}>
            <h3>
              {t("eval.release")} — {t(`eval.layer.${l.layer}` as MessageKey)}
            </h3>
            <FormAlert feedback={mine} />
            <input type="hidden" name="intent" value="release" />
            <input type="hidden" name="layer" value={l.layer} />
            {open.length > 0 ? <UnfinishedList samples={open} /> : null}
            <label className="option">
              <input type="checkbox" name="confirm" value="yes" required data-testid={`release-confirm-${l.layer}`} />{" "}
              {t(open.length > 0 ? "eval.releaseConfirmUnfinished" : "eval.releaseConfirm")}
            </label>
            <p>
              <button type="submit" data-testid={`release-${l.layer}`}>
                {t("eval.release")}
              </button>
            </p>
          </Form>
        );
      })}
    </section>
  );
}
