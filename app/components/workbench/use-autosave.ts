import { useCallback, useEffect, useRef, useState } from "react";

export type SaveState = "idle" | "unsaved" | "saving" | "saved" | "failed" | "conflict" | "rejected" | "expired";

export interface Conflict {
  value: unknown;
  note: string | null;
  version: number;
  updatedBy: string | null;
  updatedAt: string;
}

type Fields = Record<string, string>;

interface Options {
  endpoint: string;
  itemId: string;
  version: number;
  /** Where unsaved input survives a failed save, a reload or a re-login. */
  draftKey: string;
  delayMs?: number;
}

const RETRY_MS = [2_000, 5_000, 10_000, 30_000];

/**
 * Debounced autosave of one item's fields with optimistic concurrency. Unsaved input is kept in
 * localStorage until the server acknowledges it; failures retry with back-off; a conflict stops and
 * lets the user choose; an expired session keeps the draft for after re-login.
 */
export function useAutosave({ endpoint, itemId, version: initialVersion, draftKey, delayMs = 700, initialState = "idle" }: Options & { initialState?: SaveState }) {
  const [state, setState] = useState<SaveState>(initialState);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** A refusal at one field (e.g. "5 di luar rentang 0–4"): the field and the message's parameters. */
  const [errorAt, setErrorAt] = useState<{ field: string | null; params: Record<string, string | number> } | null>(null);
  const version = useRef(initialVersion);
  const pending = useRef<Fields | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const attempt = useRef(0);
  const inFlight = useRef(false);

  const send = useCallback(async () => {
    const fields = pending.current;
    if (!fields || inFlight.current) return;
    inFlight.current = true;
    setState("saving");
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    body.set("itemId", itemId);
    body.set("baseVersion", String(version.current));
    let res: Response | null = null;
    try {
      res = await fetch(endpoint, { method: "POST", body, redirect: "manual", headers: { Accept: "application/json" } });
    } catch {
      res = null;
    }
    inFlight.current = false;
    if (res && (res.type === "opaqueredirect" || res.status === 401 || res.status === 302)) {
      setState("expired");
      return;
    }
    if (!res || res.status >= 500) {
      setState("failed");
      const wait = RETRY_MS[Math.min(attempt.current++, RETRY_MS.length - 1)];
      timer.current = setTimeout(() => void send(), wait);
      return;
    }
    attempt.current = 0;
    const json = (await res.json().catch(() => ({}))) as {
      ok?: boolean;
      version?: number;
      conflict?: Conflict;
      formError?: string;
      fieldErrors?: Record<string, string>;
      formParams?: Record<string, string | number>;
    };
    if (res.ok && json.ok && typeof json.version === "number") {
      version.current = json.version;
      if (pending.current === fields) {
        pending.current = null;
        localStorage.removeItem(draftKey);
        setState("saved");
      } else {
        void send();
      }
      return;
    }
    if (res.status === 409 && json.conflict) {
      setConflict(json.conflict);
      setState("conflict");
      return;
    }
    setError(json.formError ?? "error.badRequest");
    setErrorAt(json.formParams ? { field: Object.keys(json.fieldErrors ?? {})[0] ?? null, params: json.formParams } : null);
    setState("rejected");
  }, [endpoint, itemId, draftKey]);

  const change = useCallback(
    (fields: Fields) => {
      pending.current = fields;
      try {
        localStorage.setItem(draftKey, JSON.stringify({ fields, baseVersion: version.current }));
      } catch {
        /* storage full or disabled: the save itself still goes out */
      }
      setError(null);
      setErrorAt(null);
      if (state === "conflict") return;
      setState("unsaved");
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void send(), delayMs);
    },
    [draftKey, delayMs, send, state],
  );

  const saveNow = useCallback(() => {
    clearTimeout(timer.current);
    void send();
  }, [send]);

  /** Keep my answer: save it again on top of the version the other person wrote. */
  const keepMine = useCallback(() => {
    if (!conflict) return;
    version.current = conflict.version;
    setConflict(null);
    void send();
  }, [conflict, send]);

  /** Use theirs: drop my pending change and adopt their version. */
  const useTheirs = useCallback(() => {
    if (!conflict) return;
    version.current = conflict.version;
    pending.current = null;
    localStorage.removeItem(draftKey);
    setConflict(null);
    setState("saved");
  }, [conflict, draftKey]);

  useEffect(() => () => clearTimeout(timer.current), []);

  return { state, conflict, error, errorAt, change, saveNow, keepMine, useTheirs, version };
}

export function readDraft(draftKey: string): { fields: Fields; baseVersion: number } | null {
  try {
    const raw = localStorage.getItem(draftKey);
    return raw ? (JSON.parse(raw) as { fields: Fields; baseVersion: number }) : null;
  } catch {
    return null;
  }
}
