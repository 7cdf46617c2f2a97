import type { Translate } from "~/i18n";

/**
 * Who scores a row, as a person reads it. The instrument keeps the spec's source tags in the text
 * (`BPKP [I]`: inferred; `Evaluator meso (A1 eval 13)`: the portal's evaluator id, institution not
 * known); the page says what they mean instead of showing the tag.
 */
export function scorerText(scorer: string, t: Translate): string {
  let name = scorer.trim();
  const notes: string[] = [];
  // 2024 files name the portal's evaluator id after the tag: `KemenPANRB [I] (penilai portal 17)`.
  const portalId = /\s*\(penilai portal \d+\)$/;
  const hadPortalId = portalId.test(name);
  name = name.replace(portalId, "");
  if (/\s*\[I\]$/.test(name)) {
    name = name.replace(/\s*\[I\]$/, "");
    notes.push(t("workbench.scorerInferred"));
  }
  if (/\s*\(A\d+ eval \d+\)$/.test(name) || (hadPortalId && name === "Evaluator meso")) {
    name = name.replace(/\s*\(A\d+ eval \d+\)$/, "");
    notes.push(t("workbench.scorerUnknown"));
  }
  if (name === "Evaluator Nasional") name = t("workbench.scorerNational");
  else if (name === "Evaluator meso") name = t("workbench.scorerMeso");
  return notes.length ? `${name} (${notes.join("; ")})` : name;
}
