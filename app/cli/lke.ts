import { readFile, writeFile } from "node:fs/promises";
import { createDb, type Db } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import type { Actor } from "~/auth/permissions";
import { AnswerError } from "~/domain/scoring/answers";
import { fmtId } from "~/domain/scoring/format";
import { scoreAssessment } from "~/domain/scoring/score";
import { translateMaybe, translator } from "~/i18n";
import { keyedMessage } from "~/i18n/keyed";
import type { AnswerValue } from "~/domain/scoring/answers";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { exportAssessmentWorkbook, templateWorkbook } from "~/services/excel/export.server";
import { applyImport, ImportApplyError } from "~/services/excel/apply.server";
import { changeKey, previewImport, type ImportPreview } from "~/services/excel/import.server";
import { columnsRead } from "~/services/excel/import-checks.server";
import { issueText, LkeError } from "~/services/excel/read.server";
import { readWorkbookAnswers, readWorkbookGroups } from "~/services/excel/score-workbook.server";
import { WorkbenchError } from "~/services/workbench/answers.server";
import { publishedInstrumentsIn } from "~/services/instruments/frozen.server";
import { readInstrumentFiles } from "~/services/instruments/catalog.server";
import { actorFor } from "./actor";
import { type CliIo, parseArgs, UsageError } from "./io";
import { scoreJson, scoreTable } from "./score";

/** Exit codes: 1 usage or not found; 2 a workbook that cannot be read or applied. */
const EXIT_WORKBOOK = 2;

const SUB_USAGE = {
  template: `  cermin lke template <instrument> -o FILE
      a blank LKE workbook (.xlsx) of a published instrument`,
  export: `  cermin lke export <assessmentId> -o FILE [--as EMAIL] [--origin URL]
      the assessment as an LKE workbook, as the user named by --as sees it (default: the first
      system administrator); --origin makes evidence download links absolute`,
  score: `  cermin lke score FILE [--json] [--instrument ID] [--layer HEADER]
      score a filled workbook offline (the same output as cermin score); a workbook with several
      answer column groups (layers, e.g. "PENILAIAN TAHUN 2015" and "… 2014") prints every layer's
      result headed by its header (--json: {"instrument", "layers": [{"header", "answerColumn", …}]})
      --layer HEADER    only this layer (header text or column letter)
      --instrument ID   for an official workbook (default: the instrument its rows follow)`,
  import: `  cermin lke import <assessmentId> FILE [--apply] [--take-conflicts] [--allow-clear] [--layer HEADER]
                    [--as EMAIL] [--reason TEXT]
      preview a filled workbook's changes; nothing changes without --apply
      --apply           apply them (one transaction, audited)
      --take-conflicts  also apply items changed in Cermin since the export (the workbook's value wins)
      --allow-clear     also clear answered items whose answer cell is blank (left out otherwise)
      --layer HEADER    the answer column group to read, by header text or column letter
                        (official workbooks with several, e.g. "PENILAIAN TAHUN 2014" or V; default: the first)
      --as EMAIL        act as this user (default: the first system administrator)
      --reason TEXT     reason for changing outside the stage window (window.override)
      exit 2: the workbook was refused or could not be applied (nothing applied)`,
  historical: `  cermin lke historical FILE --unit UNIT_ID --period PERIOD_ID [--instrument ID] [--layer HEADER]
                        [--external-layer HEADER] [--as EMAIL] [--json]
      a past period's filled workbook as a final, sealed assessment of that period`,
} as const;

const USAGE = `usage:\n${Object.values(SUB_USAGE).join("\n")}`;

const isHelp = (a: string | undefined) => a === "--help" || a === "-h" || a === "help";

/** `-o FILE` is accepted as the short form of `--output FILE`. */
const normalise = (args: string[]) => args.map((a) => (a === "-o" ? "--output" : a));

export async function lkeCommand(sub: string | undefined, rest: string[], io: CliIo): Promise<number> {
  if (isHelp(sub)) {
    io.out(USAGE);
    return 0;
  }
  // `historical` prints its own usage (lke-historical.ts).
  if (sub && sub !== "historical" && sub in SUB_USAGE && rest.some((a) => a === "--help" || a === "-h")) {
    io.out(`usage:\n${SUB_USAGE[sub as keyof typeof SUB_USAGE]}`);
    return 0;
  }
  switch (sub) {
    case "template":
      return withDb((db) => template(db, normalise(rest), io));
    case "export":
      return withDb((db) => exportOne(db, normalise(rest), io));
    case "score":
      return score(rest, io);
    case "import":
      return withDb((db) => importOne(db, rest, io));
    case "historical":
      return (await import("./lke-historical")).lkeHistoricalCommand(rest, io);
    default:
      throw new UsageError(`unknown lke command "${sub ?? ""}" (${Object.keys(SUB_USAGE).join(", ")})\n${USAGE}`);
  }
}

async function withDb(fn: (db: Db) => Promise<number>): Promise<number> {
  const db = createDb();
  try {
    await migrateToLatest(db);
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

async function template(db: Db, args: string[], io: CliIo): Promise<number> {
  const { positional, opts } = parseArgs(args, { output: "string" });
  const [instrumentId] = positional;
  if (!instrumentId || !opts.output || positional.length > 1) throw new UsageError(USAGE);
  const buf = await templateWorkbook(db, instrumentId);
  if (!buf) {
    const known = (await publishedInstrumentsIn(db)).map((i) => i.id);
    io.err(`unknown instrument "${instrumentId}" (available: ${known.join(", ")})`);
    return 1;
  }
  await writeFile(String(opts.output), buf);
  io.out(`Templat ${instrumentId} ditulis ke ${opts.output} (${buf.length} bytes)`);
  return 0;
}

async function exportOne(db: Db, args: string[], io: CliIo): Promise<number> {
  const { positional, opts } = parseArgs(args, { output: "string", as: "string", origin: "string" });
  const [assessmentId] = positional;
  if (!assessmentId || !opts.output || positional.length > 1) throw new UsageError(USAGE);
  const actor = await actorFor(db, opts.as);
  const ctx = await requireAssessmentOrFail(db, actor, assessmentId);
  const buf = await exportAssessmentWorkbook(db, actor, ctx, {
    origin: typeof opts.origin === "string" ? opts.origin : (process.env.APP_ORIGIN ?? "").split(",")[0],
  });
  await writeFile(String(opts.output), buf);
  io.out(`LKE ${ctx.unit.name} ${ctx.period.year} (${ctx.instrument.id}) ditulis ke ${opts.output} (${buf.length} bytes)`);
  return 0;
}

async function requireAssessmentOrFail(db: Db, actor: Actor, id: string) {
  try {
    return await requireAssessment(db, actor, id);
  } catch (e) {
    if (e instanceof Response)
      throw new UsageError(e.status === 404 ? `no assessment ${id} (or not visible to this user)` : `not allowed to read assessment ${id}`);
    throw e;
  }
}

async function score(args: string[], io: CliIo): Promise<number> {
  const { positional, opts } = parseArgs(args, { json: "boolean", instrument: "string", layer: "string" });
  const [file] = positional;
  if (!file || positional.length > 1) throw new UsageError(USAGE);
  const bytes = await readFile(file).catch((e: unknown) => {
    throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  });
  const instruments = readInstrumentFiles().flatMap((f) => (f.ok ? [f.instrument] : []));
  const instrumentId = typeof opts.instrument === "string" ? opts.instrument : undefined;
  try {
    const layers =
      typeof opts.layer === "string"
        ? [await readWorkbookAnswers(bytes, file, instruments, instrumentId, { group: opts.layer })].map((r) => ({
            instrument: r.instrument,
            header: r.parsed.chosenGroup === null ? null : (r.parsed.groups[r.parsed.chosenGroup]?.header ?? null),
            column: r.parsed.chosenGroup === null ? null : (r.parsed.groups[r.parsed.chosenGroup]?.answerColumn ?? null),
            parsed: r.parsed,
            answers: r.answers,
          }))
        : await readWorkbookGroups(bytes, file, instruments, instrumentId).then((r) =>
            (r.layout === "cermin" ? r.groups.slice(0, 1) : r.groups).map((g) => ({
              instrument: r.instrument,
              header: g.group.header,
              column: g.group.answerColumn,
              parsed: g.parsed,
              answers: g.answers,
            })),
          );
    const results = layers.map((l) => ({ ...l, result: scoreAssessment(l.instrument, l.answers) }));
    for (const l of results) {
      // A workbook that reads as almost nothing scores near 0: say so instead of printing it silently.
      const { items, itemsTotal, answered } = l.parsed.recognised;
      if (answered === 0 || items < itemsTotal / 2)
        io.err(
          `peringatan${l.header ? ` (${l.header})` : ""}: ${items} dari ${itemsTotal} butir dikenali, ${answered} terjawab — ` +
            `periksa kolom jawaban (${l.column ?? "?"}) dan penomoran baris`,
        );
    }
    if (results.length === 1) {
      const r = results[0]!;
      io.out(opts.json ? JSON.stringify(scoreJson(r.result), null, 2) : scoreTable(r.instrument, r.result));
      return 0;
    }
    if (opts.json) {
      const inst = results[0]!.instrument;
      io.out(
        JSON.stringify(
          {
            instrument: { id: inst.id, version: inst.version },
            layers: results.map((r) => ({
              header: r.header,
              answerColumn: r.column,
              recognised: r.parsed.recognised,
              ...scoreJson(r.result),
            })),
          },
          null,
          2,
        ),
      );
    } else {
      io.out(results.map((r) => `== ${r.header} (kolom ${r.column}) ==\n${scoreTable(r.instrument, r.result)}`).join("\n\n"));
    }
    return 0;
  } catch (e) {
    if (e instanceof LkeError) {
      io.err(`${file}:\n${e.issues.map((i) => `  - ${issueText(i)}`).join("\n")}`);
      return EXIT_WORKBOOK;
    }
    if (e instanceof AnswerError) {
      io.err(`${file}:\n${e.issues.map((i) => `  - ${i.itemId}: ${i.message}`).join("\n")}`);
      return EXIT_WORKBOOK;
    }
    throw e;
  }
}

const show = (v: AnswerValue | undefined) =>
  v === null || v === undefined
    ? "(kosong)"
    : typeof v === "object"
      ? Object.entries(v)
          .map(([k, n]) => `${k}=${n}`)
          .join(", ")
      : String(v);

/** The preview as text: what would change, what is blocked or in conflict, and the score before → after. */
export function previewText(p: ImportPreview): string {
  const lines: string[] = [];
  lines.push(
    `Pratinjau impor ${p.fileName} (sha256 ${p.sha256.slice(0, 16)}…, susunan ${p.layout === "official" ? "LKE resmi KemenPANRB" : "Cermin"})`,
  );
  if (p.group) lines.push(`Dibaca dari sheet ${p.sheet}: ${columnsRead(p.group).map((m) => keyedMessage(m, "id")).join(", ")}`);
  if (p.chosenGroup !== null && p.groups.length > 1)
    lines.push(
      `Kelompok kolom jawaban lain (--layer): ${p.groups
        .filter((g) => g.index !== p.group?.index)
        .map((g) => `"${g.header}" (${g.answerColumn})`)
        .join(", ")}`,
    );
  if (p.recognised) lines.push(`Dikenali: ${p.recognised.items} dari ${p.recognised.itemsTotal} butir, ${p.recognised.answered} terjawab`);
  lines.push(
    `Nilai total: ${fmtId(p.before.total)} → ${fmtId(p.after.total)}${p.after.predicate ? ` (predikat ${p.before.predicate ?? "-"} → ${p.after.predicate})` : ""}${p.clearances ? " (tanpa pengosongan)" : ""}`,
  );
  if (p.afterClearing)
    lines.push(
      `Bila ${p.clearances} jawaban dikosongkan (--allow-clear): ${fmtId(p.before.total)} → ${fmtId(p.afterClearing.total)}${p.afterClearing.predicate ? ` (predikat ${p.afterClearing.predicate})` : ""}`,
    );
  for (const v of p.after.verdicts) {
    const was = p.before.verdicts.find((x) => x.id === v.id)?.pass;
    lines.push(`  ${v.label}: ${was ? "memenuhi" : "belum"} → ${v.pass ? "memenuhi" : "belum"}`);
  }
  for (const a of p.after.areas) {
    const b = p.before.areas.find((x) => x.id === a.id)?.value ?? 0;
    if (Math.abs(b - a.value) > 1e-12) lines.push(`  ${a.id} ${a.label}: ${fmtId(b)} → ${fmtId(a.value)}`);
  }
  lines.push(`Perubahan: ${p.changes.length} (tidak berubah: ${p.unchanged})`);
  for (const c of p.changes) {
    const layer = c.layer === "self" ? "" : ` [${c.layer === "internal" ? "TPI" : "TPN"}]`;
    const tag = c.blocked
      ? ` — DITOLAK: ${translateMaybe(translator("id"), c.blocked)}`
      : c.conflict
        ? " — KONFLIK: diubah di Cermin sejak diekspor"
        : c.clears
          ? " — DIKOSONGKAN hanya dengan --allow-clear"
          : "";
    const parts: string[] = [];
    if (c.answerChanged) {
      if (!sameish(c.before?.value, c.after.value)) parts.push(`${show(c.before?.value)} → ${show(c.after.value)}`);
      if ((c.before?.note ?? null) !== c.after.note)
        parts.push(`catatan: ${JSON.stringify(c.before?.note ?? "")} → ${JSON.stringify(c.after.note ?? "")}`);
    }
    if (c.newLinks.length) parts.push(`tautan baru: ${c.newLinks.join(" ")}`);
    lines.push(`  ${c.itemId}${layer} (${c.cell}): ${parts.join("; ")}${tag}`);
  }
  if (p.unmatched.length) {
    lines.push(`Baris yang tidak dikenali: ${p.unmatched.length}`);
    for (const u of p.unmatched) lines.push(`  ${u.sheet} baris ${u.row}: ${u.code ?? ""} ${u.text}`.trimEnd());
  }
  if (p.clearances) {
    lines.push(`${p.clearances} jawaban akan dikosongkan hanya dengan --allow-clear (sel jawaban kosong di buku kerja).`);
    if (p.onlyClears) lines.push(`Buku kerja ini hanya mengosongkan ${p.clearances} jawaban; pakai --allow-clear untuk mengosongkan.`);
  }
  return lines.join("\n");
}

const sameish = (a: AnswerValue | undefined, b: AnswerValue | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

async function importOne(db: Db, args: string[], io: CliIo): Promise<number> {
  const { positional, opts } = parseArgs(args, {
    apply: "boolean",
    "take-conflicts": "boolean",
    "allow-clear": "boolean",
    layer: "string",
    as: "string",
    reason: "string",
  });
  const [assessmentId, file] = positional;
  if (!assessmentId || !file || positional.length > 2) throw new UsageError(USAGE);
  const actor = await actorFor(db, opts.as);
  const ctx = await requireAssessmentOrFail(db, actor, assessmentId);
  const bytes = await readFile(file).catch((e: unknown) => {
    throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  });
  let preview: ImportPreview;
  try {
    preview = await previewImport(
      db,
      actor,
      ctx,
      { name: file.split("/").pop() ?? file, bytes },
      typeof opts.layer === "string" ? { group: opts.layer } : {},
    );
  } catch (e) {
    if (e instanceof LkeError) {
      io.err(`${file}: tidak ada yang diimpor\n${e.issues.map((i) => `  - ${issueText(i)}`).join("\n")}`);
      return EXIT_WORKBOOK;
    }
    throw e;
  }
  io.out(previewText(preview));
  if (!opts.apply) {
    io.out(
      preview.importId
        ? `Belum ada yang diubah. Jalankan lagi dengan --apply untuk menerapkan.`
        : "Tidak ada perubahan yang dapat diterapkan.",
    );
    return 0;
  }
  if (!preview.importId) {
    io.out("Tidak ada perubahan yang dapat diterapkan.");
    return 0;
  }
  try {
    const take = opts["take-conflicts"] ? preview.changes.filter((c) => c.conflict).map(changeKey) : [];
    const result = await applyImport(db, actor, ctx, preview.importId, {
      takeConflicts: take,
      overrideReason: typeof opts.reason === "string" ? opts.reason : null,
      allowClear: opts["allow-clear"] === true,
    });
    io.out(
      `Diterapkan: ${result.answers} jawaban${result.cleared ? ` (${result.cleared} dikosongkan)` : ""}, ${result.links} tautan bukti (sebagai ${actor.email}).`,
    );
    if (result.clearsLeftOut)
      io.out(`${result.clearsLeftOut} jawaban tidak dikosongkan (pakai --allow-clear untuk mengosongkan jawaban yang selnya kosong).`);
    const skipped = preview.changes.filter((c) => c.conflict && !take.includes(changeKey(c))).length;
    if (skipped) io.out(`${skipped} konflik tidak diterapkan (pakai --take-conflicts untuk mengambil nilai buku kerja).`);
    return 0;
  } catch (e) {
    if (e instanceof ImportApplyError && e.key === "lke.onlyClears") {
      io.err(`tidak ada yang diterapkan: buku kerja ini hanya mengosongkan ${e.detail} jawaban; pakai --allow-clear untuk mengosongkan`);
      return EXIT_WORKBOOK;
    }
    if (e instanceof ImportApplyError || e instanceof WorkbenchError) {
      io.err(`tidak ada yang diterapkan: ${e.message}`);
      return EXIT_WORKBOOK;
    }
    throw e;
  }
}
