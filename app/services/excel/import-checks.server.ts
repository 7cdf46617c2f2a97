/*
 * What an import preview checks about the workbook itself, apart from the changes: which answer
 * column group was read (and which a user may not see), how much of the instrument it covered, and
 * the refusal of a workbook Cermin could barely read, naming the columns it took.
 */
import type { Layer } from "#db/schema";
import { layerHeader, LAYER_SUFFIX, type LkeLayer } from "~/domain/lke/layout";
import { LkeError, type ParsedCell, type ParsedWorkbook } from "./read.server";
import type { AnswerGroup } from "./sheet.server";

/** A Cermin-layout group of an evaluator layer the user may not see ("Jawaban TPI" before release). */
export function hiddenLayerGroup(g: AnswerGroup, visible: Set<Layer>): boolean {
  const header = g.header.trim().toLowerCase();
  return (Object.keys(LAYER_SUFFIX) as LkeLayer[]).some((l) => !visible.has(l) && header === layerHeader("answer", l).toLowerCase());
}

/** The group whose columns were read for the unit's answers: the chosen one, else the unit's own ("Jawaban"), else the first. */
export function readGroup(parsed: ParsedWorkbook, groups: AnswerGroup[]): AnswerGroup | null {
  if (parsed.chosenGroup !== null) {
    return parsed.groups.find((g) => g.index === parsed.chosenGroup) ?? parsed.groups[parsed.chosenGroup] ?? null;
  }
  const own = layerHeader("answer", "self").toLowerCase();
  return groups.find((g) => g.header.trim().toLowerCase() === own) ?? groups[0] ?? null;
}

/**
 * How much of the instrument the workbook covered, as the reader counted it, with answers counted
 * only in the columns the user may see (answers in a hidden layer's columns do not make a workbook
 * whose own answer column is blank readable).
 */
export function recognisedOf(parsed: ParsedWorkbook, cells: ParsedCell[]): ParsedWorkbook["recognised"] {
  const answered = new Set(cells.filter((c) => c.value !== null).map((c) => c.itemId)).size;
  return { ...parsed.recognised, answered: Math.min(parsed.recognised.answered, answered) };
}

/** "jawaban dari kolom K, catatan dari O, tautan dari Q" */
export function columnsText(g: AnswerGroup | null): string {
  if (!g) return "kolom jawaban tidak ditemukan";
  const parts = [`jawaban dari kolom ${g.answerColumn}${g.header ? ` ("${g.header}")` : ""}`];
  parts.push(g.noteColumn ? `catatan dari ${g.noteColumn}` : "tanpa kolom catatan");
  parts.push(g.linkColumn ? `tautan dari ${g.linkColumn}` : "tanpa kolom tautan");
  return parts.join(", ");
}

/**
 * Refuses a workbook Cermin could barely read: fewer than half of the instrument's items recognised,
 * or not one answer read (an empty answer column would otherwise clear every answered item).
 */
export function refuseUnreadable(
  sheet: string,
  group: AnswerGroup | null,
  r: ParsedWorkbook["recognised"],
  clearances: number,
  instrument: string,
  untouchedOwnExport = false,
): void {
  const check = `periksa apakah jawaban ada di kolom berjudul ${layerHeader("answer", "self")} (atau pilih kelompok kolom jawaban lain) dan apakah baris butir memakai kode atau penomoran instrumen ${instrument}`;
  if (r.items < r.itemsTotal / 2) {
    throw new LkeError([
      {
        sheet,
        cell: null,
        message: `hanya ${r.items} dari ${r.itemsTotal} butir instrumen yang dikenali (${r.answered} terjawab); ${columnsText(group)}; ${check}`,
      },
    ]);
  }
  if (r.answered === 0 && !untouchedOwnExport) {
    const clearing = clearances ? `; mengimpornya akan mengosongkan ${clearances} jawaban` : "";
    throw new LkeError([
      {
        sheet,
        cell: null,
        message: `tidak ada jawaban yang terbaca di ${r.items} butir yang dikenali${clearing}; ${columnsText(group)}; ${check}`,
      },
    ]);
  }
}
