/*
 * Scoring a filled workbook offline (`cermin lke score`): the answers of its unit columns, scored
 * by the same engine as everything else, against the instrument the workbook names.
 */
import type { Instrument } from "~/domain/instrument/schema";
import type { Answers } from "~/domain/scoring/answers";
import type { LkeLayer } from "~/domain/lke/layout";
import { LkeError, openWorkbook, parseWorkbook, type ParsedWorkbook } from "./read.server";

/** The answers object of one layer's columns (unanswered items left out, as the engine expects). */
export function answersOfLayer(parsed: ParsedWorkbook, layer: LkeLayer = "self"): Answers {
  const out: Answers = {};
  for (const c of parsed.cells) if (c.layer === layer && c.value !== null) out[c.itemId] = c.value;
  return out;
}

/**
 * Reads a workbook and finds its instrument among `instruments`: the one it names (id and version),
 * or for the official LKE ZI workbook the only instrument with WBK/WBBM rules (or `instrumentId`).
 */
export async function readWorkbookAnswers(
  bytes: Uint8Array,
  fileName: string,
  instruments: Instrument[],
  instrumentId?: string,
): Promise<{ instrument: Instrument; parsed: ParsedWorkbook; answers: Answers; layout: "cermin" | "official" }> {
  const opened = await openWorkbook(bytes, fileName);
  let instrument: Instrument | undefined;
  const wanted = instrumentId ?? opened.meta.instrumentId;
  if (wanted) {
    instrument = instruments.find((i) => i.id === wanted);
    if (!instrument)
      throw new LkeError([
        { sheet: "Utama", cell: null, message: `instrumen ${wanted} tidak dikenal (tersedia: ${instruments.map((i) => i.id).join(", ")})` },
      ]);
    const v = opened.meta.instrumentVersion;
    if (!instrumentId && v && v !== instrument.version) {
      throw new LkeError([
        {
          sheet: "Utama",
          cell: null,
          message: `buku kerja untuk ${wanted} ${v}, tetapi isi instrumen yang ada versi ${instrument.version}`,
        },
      ]);
    }
  } else if (opened.layout === "official") {
    const zi = instruments.filter((i) => i.evaluation.zi_verdicts.length > 0 && i.status === "published");
    if (zi.length !== 1)
      throw new LkeError([
        {
          sheet: "Jawaban",
          cell: null,
          message: `LKE ZI resmi: sebutkan instrumennya (--instrument; ada ${zi.map((i) => i.id).join(", ")})`,
        },
      ]);
    instrument = zi[0]!;
  } else {
    throw new LkeError([{ sheet: "Utama", cell: null, message: 'buku kerja tidak menyebut instrumennya (baris "Instrumen")' }]);
  }
  const parsed = parseWorkbook(opened, instrument);
  return { instrument, parsed, answers: answersOfLayer(parsed), layout: opened.layout };
}
