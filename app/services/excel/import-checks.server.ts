/*
 * What an import preview checks about the workbook itself, apart from the changes: which answer
 * column group was read (and which a user may not see), how much of the instrument it covered, and
 * the refusal of a workbook Cermin could barely read, naming the columns it took.
 */
import type { Layer } from "#db/schema";
import { lkeIssue, lkeMessage, type LkeMessage } from "~/domain/lke/issues";
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

/** The columns read, as messages joined with commas: "jawaban dari kolom K, catatan dari O, tautan dari Q". */
export function columnsRead(g: AnswerGroup | null): LkeMessage[] {
  if (!g) return [lkeMessage("lke.issue.columns.none")];
  return [
    g.header
      ? lkeMessage("lke.issue.columns.answer", { column: g.answerColumn, header: g.header })
      : lkeMessage("lke.issue.columns.answerOnly", { column: g.answerColumn }),
    g.noteColumn ? lkeMessage("lke.issue.columns.note", { column: g.noteColumn }) : lkeMessage("lke.issue.columns.noNote"),
    g.linkColumn ? lkeMessage("lke.issue.columns.link", { column: g.linkColumn }) : lkeMessage("lke.issue.columns.noLink"),
  ];
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
  const check = lkeMessage("lke.issue.check", { header: layerHeader("answer", "self"), instrument });
  const columns = columnsRead(group);
  if (r.items < r.itemsTotal / 2) {
    throw new LkeError([
      lkeIssue(sheet, null, "lke.issue.fewRecognised", { items: r.items, total: r.itemsTotal, answered: r.answered, columns, check }),
    ]);
  }
  if (r.answered === 0 && !untouchedOwnExport) {
    throw new LkeError([
      clearances
        ? lkeIssue(sheet, null, "lke.issue.noAnswersClearing", { items: r.items, clearances, columns, check })
        : lkeIssue(sheet, null, "lke.issue.noAnswers", { items: r.items, columns, check }),
    ]);
  }
}
