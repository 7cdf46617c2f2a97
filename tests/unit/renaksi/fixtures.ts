// Test helper: the shipped rencana aksi content, parsed from content/renaksi the way the app does.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseRenaksiFile, renaksiContentForYear } from "~/domain/renaksi/parse";
import type { RenaksiContent, RenaksiFile } from "~/domain/renaksi/schema";
import type { OutputQuarters, Quarterly } from "~/domain/renaksi/types";
import { REPO_ROOT } from "../scoring/instruments";

export const RENAKSI_DIR = path.join(REPO_ROOT, "content/renaksi");

export function renaksiFiles(): RenaksiFile[] {
  return readdirSync(RENAKSI_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => parseRenaksiFile(readFileSync(path.join(RENAKSI_DIR, f), "utf8"), f));
}

export function content2024(): RenaksiContent {
  const c = renaksiContentForYear(renaksiFiles(), 2024);
  if (!c) throw new Error("no 2024 content");
  return c;
}

export const q = (a: number | null, b: number | null, c: number | null, d: number | null): Quarterly => [a, b, c, d];
export const out = (targetTw: Quarterly, realisasiTw: Quarterly): OutputQuarters => ({ targetTw, realisasiTw });

/** The outputs of the worked example, rb-2024.md §2.6. */
export const WORKED = {
  O1: out(q(1, 1, 1, 1), q(1, 1, 0, 1)),
  O2: out(q(0, 0, 0, 1), q(0, 0, 0, 1)),
  O3: out(q(0, 2, 0, 2), q(0, 1, 0, 1)),
  O4: out(q(0, 0, 0, 5), q(null, null, null, null)),
} as const;
export const WORKED_OUTPUTS = [WORKED.O1, WORKED.O2, WORKED.O3, WORKED.O4];
