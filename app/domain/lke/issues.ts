/*
 * What is wrong with an LKE workbook, as data: where (sheet, cell, item), a message key and its
 * parameters. Nothing here names a language: the pages translate the key into the reader's language
 * (app/i18n/lke.{id,en}.ts, rendered by app/i18n/lke-issues.ts) and the CLI and exception messages
 * print the Indonesian rendering of the same keys, so there is one set of messages.
 */

/** Every message key the workbook reader and importer use; each has an Indonesian and an English text. */
export const LKE_ISSUE_KEYS = [
  // Where a problem is (the CLI's and exception messages' prefix).
  "lke.issue.at.sheet",
  "lke.issue.at.cell",
  // A cell's value (app/domain/lke/cells.ts).
  "lke.issue.notNumber",
  "lke.issue.outOfRange",
  "lke.issue.percentOnCounts",
  "lke.issue.notOption",
  "lke.issue.countFraction",
  "lke.issue.countNotWhole",
  "lke.issue.countMissing",
  // The workbook and its worksheet.
  "lke.issue.unreadable",
  "lke.issue.noWorksheet",
  "lke.issue.noWorksheetHidden",
  "lke.issue.unknownFormat",
  "lke.issue.duplicateCode",
  "lke.issue.duplicateItem",
  "lke.issue.merged",
  "lke.issue.unknownGroup",
  "lke.issue.group",
  // The workbook against the assessment or the instruments.
  "lke.issue.tooLarge",
  "lke.issue.noInstrument",
  "lke.issue.otherInstrument",
  "lke.issue.otherContent",
  "lke.issue.otherAssessment",
  "lke.issue.unknownInstrument",
  "lke.issue.versionMismatch",
  "lke.issue.noMatchingInstrument",
  "lke.issue.candidate",
  // A workbook Cermin could barely read, and the columns it read.
  "lke.issue.fewRecognised",
  "lke.issue.noAnswers",
  "lke.issue.noAnswersClearing",
  "lke.issue.check",
  "lke.issue.columns.answer",
  "lke.issue.columns.answerOnly",
  "lke.issue.columns.note",
  "lke.issue.columns.noNote",
  "lke.issue.columns.link",
  "lke.issue.columns.noLink",
  "lke.issue.columns.none",
  // The file before ExcelJS reads it (xlsx-scan.server.ts).
  "lke.issue.xls",
  "lke.issue.notXlsx",
  "lke.issue.ods",
  "lke.issue.openDocument",
  "lke.issue.zipNotWorkbook",
  "lke.issue.macro",
  "lke.issue.inFile",
  "lke.issue.tooManyPartElements",
  "lke.issue.tooManyRows",
  "lke.issue.tooManyCells",
  "lke.issue.tooManyElements",
  "lke.issue.tooManyMerges",
  "lke.issue.tooManyValidation",
  // The zip archive (zip.server.ts, xml-count.ts).
  "lke.issue.zip.notZip",
  "lke.issue.zip.noDirectory",
  "lke.issue.zip.zip64",
  "lke.issue.zip.tooManyEntries",
  "lke.issue.zip.badDirectory",
  "lke.issue.zip.encrypted",
  "lke.issue.zip.badLocalHeader",
  "lke.issue.zip.truncated",
  "lke.issue.zip.method",
  "lke.issue.zip.inflate",
  "lke.issue.zip.swells",
  "lke.issue.zip.tooLarge",
  "lke.issue.zip.longTag",
  // A zip of workbooks (bulk.server.ts).
  "lke.issue.bulk.refused",
  "lke.issue.bulk.ratio",
  "lke.issue.bulk.noWorkbooks",
  "lke.issue.bulk.noAssessmentId",
  "lke.issue.bulk.notFound",
  "lke.issue.bulk.forbidden",
] as const;
export type LkeIssueKey = (typeof LKE_ISSUE_KEYS)[number];

/** A message: a key and its parameters. */
export interface LkeMessage {
  key: LkeIssueKey;
  params: LkeParams;
}

/**
 * A parameter of a message: numbers are formatted in the reader's locale, lists are joined with
 * commas, and a message inside a message (the columns read, a zip problem inside a file) is
 * translated with it.
 */
export type LkeParam = string | number | LkeMessage | readonly (string | LkeMessage)[];
export type LkeParams = Readonly<Record<string, LkeParam>>;

/** One problem of a workbook: the sheet and cell it concerns (null: the whole file), and the item when the cell holds one's answer. */
export interface LkeIssue extends LkeMessage {
  sheet: string | null;
  cell: string | null;
  /** The item whose answer the cell holds, printed before the message ("<item id>: …"). */
  item?: string;
}

/** Builds a message; `params` default to none. */
export function lkeMessage(key: LkeIssueKey, params: LkeParams = {}): LkeMessage {
  return { key, params };
}

/** Builds a problem of the workbook. */
export function lkeIssue(sheet: string | null, cell: string | null, key: LkeIssueKey, params: LkeParams = {}): LkeIssue {
  return { sheet, cell, key, params };
}
