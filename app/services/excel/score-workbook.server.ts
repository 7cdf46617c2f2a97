/*
 * Scoring a filled workbook offline (`cermin lke score`): the answers of its unit columns, scored
 * by the same engine as everything else, against the instrument the workbook names.
 */
import type { Instrument } from "~/domain/instrument/schema";
import type { Answers } from "~/domain/scoring/answers";
import { lkeIssue, lkeMessage } from "~/domain/lke/issues";
import type { LkeLayer } from "~/domain/lke/layout";
import { LkeError, openWorkbook, parseWorkbook, tryParseWorkbook, type OpenedWorkbook, type ParsedWorkbook } from "./read.server";
import type { AnswerGroup } from "./sheet.server";

/** The answers object of one layer's columns (unanswered items left out, as the engine expects). */
export function answersOfLayer(parsed: ParsedWorkbook, layer: LkeLayer = "self"): Answers {
  const out: Answers = {};
  for (const c of parsed.cells) if (c.layer === layer && c.value !== null) out[c.itemId] = c.value;
  return out;
}

/**
 * Reads a workbook and finds its instrument among `instruments`: the one it names (id and version),
 * or for an official workbook (which names none) the instrument whose tree its rows match best
 * (or `instrumentId`). Reads one answer group (`opts.group`: header text or column letter; default the first).
 */
export async function readWorkbookAnswers(
  bytes: Uint8Array,
  fileName: string,
  instruments: Instrument[],
  instrumentId?: string,
  opts: { group?: string } = {},
): Promise<{ instrument: Instrument; parsed: ParsedWorkbook; answers: Answers; layout: "cermin" | "official" }> {
  const opened = await openWorkbook(bytes, fileName);
  const instrument = pickInstrument(opened, instruments, instrumentId, opts);
  const parsed = parseWorkbook(opened, instrument, opts);
  return { instrument, parsed, answers: answersOfLayer(parsed), layout: opened.layout };
}

/** Every answer group of a workbook (official workbooks: one per `Jawaban` column), each read and scored the same way. */
export async function readWorkbookGroups(
  bytes: Uint8Array,
  fileName: string,
  instruments: Instrument[],
  instrumentId?: string,
): Promise<{
  instrument: Instrument;
  layout: "cermin" | "official";
  groups: Array<{ group: AnswerGroup; parsed: ParsedWorkbook; answers: Answers }>;
}> {
  const opened = await openWorkbook(bytes, fileName);
  const instrument = pickInstrument(opened, instruments, instrumentId, {});
  const first = parseWorkbook(opened, instrument);
  if (opened.layout === "cermin") {
    // Cermin's layout reads all layers at once: one group per layer column.
    const layers = first.layers;
    return {
      instrument,
      layout: opened.layout,
      groups: first.groups.map((group, i) => ({ group, parsed: first, answers: answersOfLayer(first, layers[i] ?? "self") })),
    };
  }
  const groups = first.groups.map((group, i) => {
    const parsed = i === first.chosenGroup ? first : parseWorkbook(opened, instrument, { group: group.answerColumn });
    return { group, parsed, answers: answersOfLayer(parsed) };
  });
  return { instrument, layout: opened.layout, groups };
}

function pickInstrument(
  opened: OpenedWorkbook,
  instruments: Instrument[],
  instrumentId: string | undefined,
  opts: { group?: string },
): Instrument {
  const wanted = instrumentId ?? opened.meta.instrumentId;
  if (wanted) {
    const instrument = instruments.find((i) => i.id === wanted);
    if (!instrument)
      throw new LkeError([
        lkeIssue("Utama", null, "lke.issue.unknownInstrument", { instrument: wanted, available: instruments.map((i) => i.id) }),
      ]);
    const v = opened.meta.instrumentVersion;
    if (!instrumentId && v && v !== instrument.version) {
      throw new LkeError([
        lkeIssue("Utama", null, "lke.issue.versionMismatch", { instrument: wanted, workbookVersion: v, version: instrument.version }),
      ]);
    }
    return instrument;
  }
  if (opened.layout !== "official") {
    throw new LkeError([lkeIssue("Utama", null, "lke.issue.noInstrument")]);
  }
  // The official workbook names no instrument: the one whose numbering its rows follow, item for item.
  const candidates = instruments
    .filter((i) => i.status === "published")
    .map((instrument) => {
      const { parsed } = tryParseWorkbook(opened, instrument, opts);
      return { instrument, share: parsed.recognised.items / Math.max(1, parsed.recognised.itemsTotal), items: parsed.recognised.items };
    })
    .sort((a, b) => b.share - a.share || b.items - a.items);
  const best = candidates[0];
  if (!best || best.items === 0 || best.share < 0.5) {
    throw new LkeError([
      lkeIssue(opened.ws.name, null, "lke.issue.noMatchingInstrument", {
        candidates: candidates.map((c) => lkeMessage("lke.issue.candidate", { instrument: c.instrument.id, items: c.items })),
      }),
    ]);
  }
  return best.instrument;
}
