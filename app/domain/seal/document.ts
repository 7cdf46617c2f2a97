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

/**
 * The appeal (sanggah, issue #30) an "appeal" seal was written for: the accepted appeal of one row of an
 * evaluator layer, with the value before and after and who filed and decided it. Only on event "appeal".
 */
export interface SealAppeal {
  id: string;
  item: string;
  layer: string;
  reason: string;
  response: string;
  valueBefore: Json;
  valueAfter: Json;
  /** The layer's total (the team's answers with this layer's prevailing) after the new value. */
  layerTotal: number;
  filedAt: string;
  filedBy: string;
  decidedAt: string;
  decidedBy: string;
}

export interface SealDocument {
  format: typeof SEAL_FORMAT;
  event: "submit" | "finalise" | "appeal";
  seq: number;
  at: string;
  by: { id: string; name: string; email: string };
  state: SealState;
  /** Absent for submissions made in Cermin. */
  origin?: SealOrigin;
  /** Only for event "appeal": the accepted appeal this seal records. */
  appeal?: SealAppeal;
}

/** What the signature covers; the receipt is this plus the signature. */
export interface ReceiptCore {
  format: typeof RECEIPT_FORMAT;
  assessmentId: string;
  organisationId: string;
  seq: number;
  event: "submit" | "finalise" | "appeal";
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
  /** Signed with the rest: the accepted appeal an "appeal" seal records (absent otherwise). */
  appeal?: SealAppeal;
}

export interface Receipt extends ReceiptCore {
  /** Ed25519 signature of canonicalJson(core), base64. */
  signature: string;
}

export function receiptCore(r: Receipt): ReceiptCore {
  const { signature: _signature, ...core } = r;
  return core;
}

/** What a difference is, for a sentence in the reader's language (the verify page: `seal.what.<what>`). */
export type MismatchWhat =
  | "field"
  | "answerRemoved"
  | "answerAdded"
  | "value"
  | "note"
  | "evidenceRemoved"
  | "evidenceAdded"
  | "fileMissing"
  | "fileChanged"
  | "link"
  | "renamed"
  | "items";

/** A difference between the sealed state and the state now, located by item, file or part. */
export interface Mismatch {
  kind: "instrument" | "answer" | "evidence" | "score" | "assessment";
  /** The item id, evidence name or node id it concerns. */
  at: string;
  layer?: string;
  /** The difference in English, for `cermin verify`. */
  message: string;
  what: MismatchWhat;
  /** As sealed and as now, when the difference has a value on that side (an answer's value, a note, a hash, a URL, a name, items). */
  before?: Json;
  after?: Json;
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
    const [before, after] = [sealed.assessment[key], now.assessment[key]];
    if (before !== after)
      out.push({ kind: "assessment", at: key, message: `${key} ${show(before)} → ${show(after)}`, what: "field", before, after });
  }
  for (const key of ["id", "version", "hash"] as const) {
    const [before, after] = [sealed.instrument[key], now.instrument[key]];
    if (before !== after)
      out.push({ kind: "instrument", at: key, message: `instrument ${key} ${before} → ${after}`, what: "field", before, after });
  }
  for (const layer of [...new Set([...Object.keys(sealed.layers), ...Object.keys(now.layers)])].sort()) {
    const before = new Map((sealed.layers[layer] ?? []).map((a) => [a.item, a]));
    const after = new Map((now.layers[layer] ?? []).map((a) => [a.item, a]));
    for (const item of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const b = before.get(item);
      const a = after.get(item);
      const at = { kind: "answer" as const, at: item, layer };
      if (!a) out.push({ ...at, message: `answer removed (was ${show(b?.value)})`, what: "answerRemoved", before: b!.value });
      else if (!b) out.push({ ...at, message: `answer added after the seal: ${show(a.value)}`, what: "answerAdded", after: a.value });
      else {
        if (canonicalJson(b.value) !== canonicalJson(a.value))
          out.push({ ...at, message: `value ${show(b.value)} → ${show(a.value)}`, what: "value", before: b.value, after: a.value });
        if (b.note !== a.note)
          out.push({ ...at, message: `note changed: ${show(b.note)} → ${show(a.note)}`, what: "note", before: b.note, after: a.note });
      }
    }
  }
  const evBefore = new Map(sealed.evidence.map((e) => [e.id, e]));
  const evAfter = new Map(now.evidence.map((e) => [e.id, e]));
  for (const id of [...new Set([...evBefore.keys(), ...evAfter.keys()])].sort()) {
    const b = evBefore.get(id);
    const a = evAfter.get(id);
    const name = (b ?? a)!.name;
    const at = { kind: "evidence" as const, at: name };
    if (!a) out.push({ ...at, message: `evidence ${b!.kind} "${name}" (${id}) removed`, what: "evidenceRemoved" });
    else if (!b) out.push({ ...at, message: `evidence ${a.kind} "${name}" (${id}) added after the seal`, what: "evidenceAdded" });
    else {
      if (b.kind === "file" && a.sha256 === null)
        out.push({ ...at, message: `file "${name}" is missing from the evidence store`, what: "fileMissing" });
      else if (b.sha256 !== a.sha256)
        out.push({
          ...at,
          message: `file "${name}": SHA-256 ${b.sha256} → ${a.sha256} (content changed)`,
          what: "fileChanged",
          before: b.sha256,
          after: a.sha256,
        });
      if (b.url !== a.url)
        out.push({ ...at, message: `link "${name}": ${show(b.url)} → ${show(a.url)}`, what: "link", before: b.url, after: a.url });
      if (b.name !== a.name) out.push({ ...at, message: `renamed to "${a.name}"`, what: "renamed", before: b.name, after: a.name });
      if (b.items.join(",") !== a.items.join(","))
        out.push({
          ...at,
          message: `backs items ${b.items.join(", ")} → ${a.items.join(", ")}`,
          what: "items",
          before: b.items,
          after: a.items,
        });
    }
  }
  if (canonicalJson(sealed.score.total) !== canonicalJson(now.score.total)) {
    const [before, after] = [sealed.score.total, now.score.total];
    out.push({ kind: "score", at: "total", message: `total ${before} → ${after}`, what: "field", before, after });
  }
  if (sealed.score.predicate !== now.score.predicate) {
    const [before, after] = [sealed.score.predicate, now.score.predicate];
    out.push({ kind: "score", at: "predicate", message: `predicate ${show(before)} → ${show(after)}`, what: "field", before, after });
  }
  return out;
}
