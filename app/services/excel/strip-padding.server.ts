/*
 * LibreOffice pads every formatted row of a saved worksheet out to column XFD with empty styled cells
 * (`<c r="XFD5" s="0"/>`): the official PMPRB workbook opened and saved there has 3.46 million of them
 * in 71 MB of sheet XML, which ExcelJS would turn into 3.46 million objects. The scan
 * (xlsx-scan.server.ts) has counted them; this removes every empty self-closing cell from those
 * sheets before ExcelJS loads the workbook. Nothing read from a workbook lives in an empty cell:
 * values, formulas, merges (their own element) and the rows stay.
 */
import JSZip from "jszip";
import type { SheetCounts } from "./xlsx-scan.server";

/** Padding worth removing: below this, ExcelJS's cost is negligible and the bytes are kept as they are. */
export const PADDING_STRIP_THRESHOLD = 10_000;

const EMPTY_CELL = /<c(?:\s+[a-zA-Z:]+="[^"]*")*\s*\/>/g;

/** The workbook with its padded sheets' empty cells removed (a new zip, stored), or the same bytes. */
export async function stripPadding(bytes: Uint8Array, sheets: SheetCounts[]): Promise<Uint8Array> {
  const padded = sheets.filter((s) => s.paddingCells >= PADDING_STRIP_THRESHOLD);
  if (padded.length === 0) return bytes;
  const zip = await JSZip.loadAsync(bytes);
  for (const s of padded) {
    const file = zip.file(s.file);
    if (!file) continue;
    zip.file(s.file, (await file.async("string")).replace(EMPTY_CELL, ""));
  }
  return zip.generateAsync({ type: "uint8array", compression: "STORE" });
}
