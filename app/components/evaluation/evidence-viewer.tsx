import { useState } from "react";
import { formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import type { EvidenceView } from "~/services/evidence/rules";

type Evidence = Pick<EvidenceView, "id" | "kind" | "name" | "mime" | "size" | "url">;

const INLINE = new Set(["application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"]);

/**
 * Evidence beside the item: PDFs in a frame and images as images, both served by the authorised
 * route with a restrictive CSP; other types are offered as downloads, links open in a new tab.
 */
export function EvidenceViewer({ evidence }: { evidence: Evidence[] }) {
  const t = useT();
  const locale = useLocale();
  const first = evidence.find((e) => e.kind === "file" && e.mime && INLINE.has(e.mime));
  const [shown, setShown] = useState<string | null>(first?.id ?? null);
  const current = evidence.find((e) => e.id === shown);
  return (
    <aside className="card evidence-viewer" data-testid="evidence-viewer">
      <h2>{t("eval.inlineViewer")}</h2>
      <ul className="small">
        {evidence.map((e) => (
          <li key={e.id}>
            {e.kind === "link" ? (
              <a href={e.url ?? "#"} target="_blank" rel="noopener noreferrer">
                {e.name}
              </a>
            ) : e.mime && INLINE.has(e.mime) ? (
              <button type="button" className="link-button" onClick={() => setShown(e.id)} aria-pressed={shown === e.id}>
                {e.name}
              </button>
            ) : (
              <a href={`/evidence/${e.id}/download`}>{e.name}</a>
            )}{" "}
            {e.size ? <span className="muted">({formatNumber(e.size / 1024, locale, 0)} KB)</span> : null}
          </li>
        ))}
      </ul>
      {current?.mime === "application/pdf" ? (
        <iframe title={current.name} src={`/evidence/${current.id}/download?inline=1`} className="pdf-frame" data-testid="inline-pdf" />
      ) : current ? (
        <img src={`/evidence/${current.id}/download?inline=1`} alt={current.name} className="inline-image" data-testid="inline-image" />
      ) : evidence.length > 0 ? (
        <p className="muted">{t("eval.downloadOnly")}</p>
      ) : (
        <p className="muted" data-testid="no-evidence">
          {t("eval.noEvidence")}
        </p>
      )}
    </aside>
  );
}
