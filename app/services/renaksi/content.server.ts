import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseRenaksiFile, renaksiContentForYear } from "~/domain/renaksi/parse";
import type { RenaksiContent, RenaksiFile } from "~/domain/renaksi/schema";

/*
 * The Rencana Aksi master data (content/renaksi/*.yaml: kegiatan utama and indicators, the LKE Renaksi
 * criteria, the Tematik themes), parsed and validated once per process like the instruments. Relative
 * to CERMIN_ROOT (the CLI sets it) or the working directory.
 */
export const DEFAULT_RENAKSI_DIR = "content/renaksi";

let cache: { dir: string; files: RenaksiFile[] } | null = null;

export function renaksiFiles(dir: string = DEFAULT_RENAKSI_DIR): RenaksiFile[] {
  const root = path.resolve(process.env.CERMIN_ROOT ?? process.cwd(), dir);
  if (cache?.dir === root) return cache.files;
  const files = readdirSync(root)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => parseRenaksiFile(readFileSync(path.join(root, f), "utf8"), `${dir}/${f}`));
  cache = { dir: root, files };
  return files;
}

/** The content that applies to a plan year (an earlier year's files carried forward when the year has none), or null. */
export function renaksiContentFor(year: number): RenaksiContent | null {
  return renaksiContentForYear(renaksiFiles(), year);
}
