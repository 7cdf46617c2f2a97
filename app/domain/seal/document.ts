/*
 * Sealed submissions (issue #14): the canonical document of a submission and the comparison that
 * names what changed since. Pure (no crypto, no database): the service builds the state from the
 * database and the evidence store, hashes and signs it; `cermin verify` and the verify page rebuild
 * the state and compare it with the sealed one here.
 *
 * Canonical JSON: object keys sorted, no whitespace, arrays in the order given (the builder sorts
 * them by id), numbers as JavaScript prints them (shortest round-trip form), so the same state
 * always gives the same bytes and the same SHA-256.
 */

export const SEAL_FORMAT = "cermin-seal/1";
export const RECEIPT_FORMAT = "cermin-receipt/1";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Deterministic JSON text of a value (see the header). Rejects what JSON cannot say exactly. */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("canonicalJson: non-finite number");
    return JSON.stringify(Object.is(value, -0) ? 0 : value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys
    .filter((k) => value[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Json)}`)
    .join(",")}}`;
}

/** One answer of one layer as sealed. */
export interface SealedAnswer {
  item: string;
  value: Json;
  note: string | null;
}

/** One live evidence row: a file by its SHA-256 (null: the stored file is missing), or a link by its URL. */
export interface SealedEvidence {
  id: string;
  kind: "file" | "link";
  name: string;
  sha256: string | null;
  url: string | null;
  items: string[];
}

/** What a seal vouches for: the submission's content, rebuilt identically for verification. */
export interface SealState {
  assessment: { id: string; unit: string; organisation: string; period: string; year: number };
  instrument: { id: string; version: string; hash: string };
  /** Layer → answers by item id: the team's layer and every released evaluator layer. */
  layers: Record<string, SealedAnswer[]>;
  evidence: SealedEvidence[];
  /** The engine's score of the team's answers: every non-item node value, the total and predicate. */
  score: { total: number; predicate: string | null; nodes: Record<string, number> };
}

/** Where a sealed state came from when not from the workbench: a past workbook imported as a final (issue #26). */
export interface SealOrigin {
  kind: "historical_import";
  file: string;
  sha256: string;
}

export interface SealDocument {
  format: typeof SEAL_FORMAT;
  event: "submit" | "finalise";
  seq: number;
  at: string;
  by: { id: string; name: string; email: string };
  state: SealState;
  /** Absent for submissions made in Cermin. */
  origin?: SealOrigin;
}

/** What the signature covers; the receipt is this plus the signature. */
export interface ReceiptCore {
  format: typeof RECEIPT_FORMAT;
  assessmentId: string;
  organisationId: string;
  seq: number;
  event: "submit" | "finalise";
  documentHash: string;
  /** Seal hashes this one chains to: the previous seal of the assessment and of the organisation. */
  previousAssessmentSeal: string | null;
  previousOrganisationSeal: string | null;
  signedAt: string;
  signer: { name: string; email: string };
  /** Fingerprint of the installation's public key (sha256 of its DER, hex). */
  keyId: string;
  verifyUrl: string;
  /** Signed with the rest: the workbook a historical final was imported from (absent otherwise). */
  origin?: SealOrigin;
}

export interface Receipt extends ReceiptCore {
  /** Ed25519 signature of canonicalJson(core), base64. */
  signature: string;
}

export function receiptCore(r: Receipt): ReceiptCore {
  const { signature: _signature, ...core } = r;
  return core;
}

/** A difference between the sealed state and the state now, located by item, file or part. */
export interface Mismatch {
  kind: "instrument" | "answer" | "evidence" | "score" | "assessment";
  /** The item id, evidence name or node id it concerns. */
  at: string;
  layer?: string;
  message: string;
}

const show = (v: Json | undefined) => (v === undefined ? "—" : JSON.stringify(v));

/**
 * Every difference between what was sealed and what the database and the evidence store hold
 * now: answers by layer and item (value, note, added, removed), evidence by file (bytes changed,
 * file missing, row removed, row added, link changed, items changed), the instrument, and the score.
 */
export function compareStates(sealed: SealState, now: SealState): Mismatch[] {
  const out: Mismatch[] = [];
  for (const key of ["id", "unit", "organisation", "period", "year"] as const) {
    if (sealed.assessment[key] !== now.assessment[key]) {
      out.push({ kind: "assessment", at: key, message: `${key} ${show(sealed.assessment[key])} → ${show(now.assessment[key])}` });
    }
  }
  for (const key of ["id", "version", "hash"] as const) {
    if (sealed.instrument[key] !== now.instrument[key]) {
      out.push({ kind: "instrument", at: key, message: `instrument ${key} ${sealed.instrument[key]} → ${now.instrument[key]}` });
    }
  }
  for (const layer of [...new Set([...Object.keys(sealed.layers), ...Object.keys(now.layers)])].sort()) {
    const before = new Map((sealed.layers[layer] ?? []).map((a) => [a.item, a]));
    const after = new Map((now.layers[layer] ?? []).map((a) => [a.item, a]));
    for (const item of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const b = before.get(item);
      const a = after.get(item);
      if (!a) out.push({ kind: "answer", at: item, layer, message: `answer removed (was ${show(b?.value)})` });
      else if (!b) out.push({ kind: "answer", at: item, layer, message: `answer added after the seal: ${show(a.value)}` });
      else {
        if (canonicalJson(b.value) !== canonicalJson(a.value))
          out.push({ kind: "answer", at: item, layer, message: `value ${show(b.value)} → ${show(a.value)}` });
        if (b.note !== a.note) out.push({ kind: "answer", at: item, layer, message: `note changed: ${show(b.note)} → ${show(a.note)}` });
      }
    }
  }
  const evBefore = new Map(sealed.evidence.map((e) => [e.id, e]));
  const evAfter = new Map(now.evidence.map((e) => [e.id, e]));
  for (const id of [...new Set([...evBefore.keys(), ...evAfter.keys()])].sort()) {
    const b = evBefore.get(id);
    const a = evAfter.get(id);
    const name = (b ?? a)!.name;
    if (!a) out.push({ kind: "evidence", at: name, message: `evidence ${b!.kind} "${name}" (${id}) removed` });
    else if (!b) out.push({ kind: "evidence", at: name, message: `evidence ${a.kind} "${name}" (${id}) added after the seal` });
    else {
      if (b.kind === "file" && a.sha256 === null)
        out.push({ kind: "evidence", at: name, message: `file "${name}" is missing from the evidence store` });
      else if (b.sha256 !== a.sha256)
        out.push({ kind: "evidence", at: name, message: `file "${name}": SHA-256 ${b.sha256} → ${a.sha256} (content changed)` });
      if (b.url !== a.url) out.push({ kind: "evidence", at: name, message: `link "${name}": ${show(b.url)} → ${show(a.url)}` });
      if (b.name !== a.name) out.push({ kind: "evidence", at: name, message: `renamed to "${a.name}"` });
      if (b.items.join(",") !== a.items.join(","))
        out.push({ kind: "evidence", at: name, message: `backs items ${b.items.join(", ")} → ${a.items.join(", ")}` });
    }
  }
  if (canonicalJson(sealed.score.total) !== canonicalJson(now.score.total)) {
    out.push({ kind: "score", at: "total", message: `total ${sealed.score.total} → ${now.score.total}` });
  }
  if (sealed.score.predicate !== now.score.predicate) {
    out.push({ kind: "score", at: "predicate", message: `predicate ${show(sealed.score.predicate)} → ${show(now.score.predicate)}` });
  }
  return out;
}
