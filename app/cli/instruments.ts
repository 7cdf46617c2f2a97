import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { parseInstrument, InstrumentError } from "~/domain/instrument/parse";
import { applyPortalWeights, parsePortalWeightCsv, PORTAL_GROUPS, type PortalGroup } from "~/domain/instrument/portal-weights";
import type { Instrument } from "~/domain/instrument/schema";
import { itemsWithGroups, treeNodes, type TreeNode } from "~/domain/instrument/tree";
import { fmt } from "~/domain/scoring/format";
import { englishIssue } from "~/i18n/instrument-issues";
import { getInstrument, readInstrumentFiles } from "~/services/instruments/catalog.server";
import type { CliIo } from "./io";

/** Compact number with the Indonesian decimal comma (7,5). */
const num = (x: number) => fmt(x).replace(".", ",");

function sumLine(node: TreeNode, named: boolean): string {
  const parts = node.children.map((c) => (named ? `${c.label} ${num(c.weight)}` : num(c.weight)));
  return `${node.label} ${num(node.weight)} = ${parts.join(" + ")}`;
}

function describe(instrument: Instrument, file: string, hash: string): string[] {
  const lines: string[] = [];
  lines.push(`${instrument.id} ${instrument.version} [${instrument.status}] — ${instrument.title}`);
  lines.push(`  regulasi: ${instrument.regulation.reference}`);
  lines.push(`  berkas: ${path.relative(process.cwd(), file) || file}`);
  lines.push(`  sha256: ${hash}`);
  const perType = new Map<string, number>();
  const items = itemsWithGroups(instrument);
  for (const { item } of items) perType.set(item.type, (perType.get(item.type) ?? 0) + 1);
  lines.push(`  butir: ${items.length} (${[...perType].map(([t, n]) => `${t} ${n}`).join(", ")})`);
  lines.push("  bobot:");
  for (const component of treeNodes(instrument)) {
    // Components with subcomponents show them by name (Pemenuhan 30 + Reform 30), then each subcomponent's areas.
    const hasSub = component.children.some((c) => c.level === "subcomponent");
    lines.push(`    ${sumLine(component, hasSub)}`);
    if (hasSub) for (const sc of component.children) lines.push(`      ${sumLine(sc, false)}`);
  }
  const roots = treeNodes(instrument);
  const total = roots.filter((c) => !c.adjustment).reduce((s, c) => s + c.weight, 0);
  lines.push(`    Total ${num(total)}`);
  const rule = instrument.evaluation.index;
  if (rule) {
    // The index blocks (RB 2023): the renormalised part, the koefisien range and what is added on top.
    const byId = new Map(roots.map((r) => [r.id, r]));
    const general = rule.general.nodes.map((id) => byId.get(id)!);
    const sum = general.reduce((s, n) => s + n.weight, 0);
    lines.push(
      `  indeks: ${rule.label} = (${rule.general.label} + koefisien) / Σ bobot yang berlaku × ${num(rule.general.scale_to)} + ${rule.added.map((id) => byId.get(id)?.label ?? id).join(" + ")}`,
    );
    lines.push(`    ${rule.general.label} ${num(sum)} = ${general.map((n) => `${n.id} ${num(n.weight)}`).join(" + ")}`);
    for (const id of rule.added) lines.push(`    ${byId.get(id)?.label ?? id} ${num(byId.get(id)?.weight ?? 0)}`);
    const adj = rule.adjustment ? itemsWithGroups(instrument).find((x) => x.item.type === "coefficient") : undefined;
    if (adj?.item.scale) lines.push(`    Koefisien ${num(adj.item.scale.min)}…${num(adj.item.scale.max)} (${adj.item.id})`);
    const na = itemsWithGroups(instrument).filter((x) => x.item.not_applicable).length;
    lines.push(
      `    butir yang boleh "tidak berlaku": ${na}; pengali: ${
        itemsWithGroups(instrument)
          .filter((x) => x.item.multiplier)
          .map((x) => `${x.group.id} × ${x.item.multiplier}`)
          .join(", ") || "-"
      }`,
    );
  }
  if (rule) lines.push(...summary(instrument));
  const { settings } = instrument;
  lines.push(
    `  pengaturan: abcd_values=${settings.abcd_values}, zi_area_min_scope=${settings.zi_area_min_scope}, id_scheme=${settings.id_scheme}, predicate_rule=${settings.predicate_rule}`,
  );
  return lines;
}

/**
 * The sums of an index instrument as the rb-2024 spec's §1.3 table gives them ("Sums (checked)"): each
 * general component with its rows, RB General, what is added on top (RB Tematik), the maximum index,
 * the scored rows (koefisien aside) and the rows with a target baik per component.
 */
function summary(instrument: Instrument): string[] {
  const rule = instrument.evaluation.index!;
  const roots = new Map(treeNodes(instrument).map((r) => [r.id, r]));
  const items = itemsWithGroups(instrument);
  const componentOf = new Map<string, string>();
  const mark = (node: TreeNode, root: string) => {
    for (const i of node.items ?? []) componentOf.set(i.id, root);
    node.children.forEach((c) => mark(c, root));
  };
  for (const [id, node] of roots) mark(node, id);
  const rowsIn = (id: string) => items.filter((x) => componentOf.get(x.item.id) === id).length;
  const targets = Object.keys(instrument.evaluation.portal_2025?.targets ?? {});
  const targetsIn = (id: string) => targets.filter((t) => componentOf.get(t) === id).length;
  const general = rule.general.nodes.map((id) => roots.get(id)!);
  const added = rule.added.map((id) => roots.get(id)!);
  const generalSum = general.reduce((s, n) => s + n.weight, 0);
  const addedSum = added.reduce((s, n) => s + n.weight, 0);
  const generalRows = general.reduce((s, n) => s + rowsIn(n.id), 0);
  const addedRows = added.reduce((s, n) => s + rowsIn(n.id), 0);
  const out = ["  ringkasan (seperti tabel §1.3):"];
  out.push(`    ${general.map((n) => `${n.id} ${num(n.weight)} (${rowsIn(n.id)} baris)`).join(" | ")} | ${rule.general.label} ${num(generalSum)}`);
  out.push(`    ${added.map((n) => `${n.label} ${num(n.weight)} (${rowsIn(n.id)} baris)`).join(" | ")}`);
  out.push(
    `    ${rule.label} maks ${num(generalSum + addedSum)}${rule.adjustment ? " (+ koefisien, disesuaikan dengan Σ bobot yang berlaku)" : ""}`,
  );
  out.push(`    baris bernilai: ${generalRows} + ${addedRows} = ${generalRows + addedRows}${rule.adjustment ? " (tanpa koefisien)" : ""}`);
  const perComponent = [...general, ...added].filter((n) => targetsIn(n.id) > 0).map((n) => `${targetsIn(n.id)} di ${n.id}`);
  out.push(`    baris dengan target baik: ${targets.length}${perComponent.length > 0 ? ` (${perComponent.join(" + ")})` : ""}`);
  return out;
}

/**
 * `cermin instruments check [--dir DIR]`: validates every content file and prints, per instrument,
 * its status, items per answer type and weight sums per component. Exit code 1 if any file is invalid.
 */
export async function instrumentsCheck(args: string[], io: CliIo): Promise<number> {
  const rest = args[0] === "check" ? args.slice(1) : args;
  let dir: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === "--dir" && rest[i + 1] !== undefined) dir = rest[++i];
    else {
      io.err(`unknown argument: ${String(a)}\nusage: cermin instruments check [--dir DIR]`);
      return 1;
    }
  }

  let results;
  try {
    results = readInstrumentFiles(dir);
  } catch (e) {
    io.err(`cannot read the instrument directory: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  if (results.length === 0) {
    io.err("no instrument files (*.yaml) found");
    return 1;
  }
  let failed = 0;
  for (const r of results) {
    if (r.ok) {
      io.out(describe(r.instrument, r.file, r.contentHash).join("\n"));
      io.out("  OK\n");
    } else {
      failed++;
      io.err(`${r.error.message}\n`);
    }
  }
  io.out(`${results.length - failed} valid, ${failed} invalid`);
  return failed > 0 ? 1 : 0;
}

const IMPORT_USAGE =
  "usage: cermin instruments import-weights --from ID --csv FILE --version V --year Y [--out FILE] [--id ID] [--group kl|provinsi|kabupaten] [--dir DIR]";

/** Drops the schema's defaults an author leaves out (not_applicable: false, evidence: [], …) so the YAML reads like the content files. */
function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if ((k === "not_applicable" || k === "informational" || k === "adjustment") && v === false) continue;
    if ((k === "evidence" || k === "zi_area_groups" || k === "zi_verdicts") && Array.isArray(v) && v.length === 0) continue;
    out[k] = withoutDefaults(v);
  }
  return out;
}

/**
 * `cermin instruments import-weights`: applies a Portal RB weight table (CSV in the portal's shape,
 * rb-2024 spec §1.4) to a content instrument by `portal_id` (app/domain/instrument/portal-weights.ts)
 * and writes the new version's YAML, checked as `instruments check` checks it. Any problem (a row the
 * table lacks, an id no row carries, an unreadable cell, a result that does not validate) is printed
 * and nothing is written (exit 1).
 */
export async function instrumentsImportWeights(args: string[], io: CliIo): Promise<number> {
  const opts: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = args[i + 1];
    if (a?.startsWith("--") && ["--from", "--csv", "--version", "--year", "--out", "--id", "--dir", "--group"].includes(a) && v !== undefined) {
      opts[a.slice(2)] = v;
      i++;
    } else {
      io.err(`unknown argument: ${String(a)}\n${IMPORT_USAGE}`);
      return 1;
    }
  }
  const { from, csv, version, year } = opts;
  const yearNumber = Number(year);
  if (!from || !csv || !version || !year || !Number.isInteger(yearNumber)) {
    io.err(IMPORT_USAGE);
    return 1;
  }
  if (opts.group !== undefined && !(PORTAL_GROUPS as readonly string[]).includes(opts.group)) {
    io.err(`--group must be one of ${PORTAL_GROUPS.join(", ")}\n${IMPORT_USAGE}`);
    return 1;
  }
  const source = getInstrument(from, opts.dir);
  if (!source) {
    io.err(`unknown instrument "${from}"`);
    return 1;
  }
  let text: string;
  try {
    text = readFileSync(csv, "utf8");
  } catch (e) {
    io.err(`cannot read ${csv}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const table = parsePortalWeightCsv(text);
  const applied =
    table.issues.length > 0
      ? { instrument: null, issues: table.issues }
      : applyPortalWeights(source.instrument, table.rows, {
          version,
          year: yearNumber,
          ...(opts.id ? { id: opts.id } : {}),
          ...(opts.group ? { group: opts.group as PortalGroup } : {}),
        });
  if (applied.issues.length > 0 || !applied.instrument) {
    for (const i of applied.issues) io.err(englishIssue(i));
    io.err(`${applied.issues.length} problem(s); nothing written`);
    return 1;
  }
  const next = applied.instrument;
  const header = [
    `# ${next.id}: instrument content (source of truth; edit here, not in code).`,
    `# Imported with: cermin instruments import-weights --from ${from} --csv ${path.basename(csv)} --version ${version} --year ${year}`,
    `# Weights, ranges, target baik and multipliers from the Portal RB weight table; everything else (texts, notes,`,
    `# ids) from ${source.instrument.id} ${source.instrument.version}: review the notes, they describe the earlier table.`,
    `# Component weights and total_weight are the sums of the rows. Check with: npx cermin instruments check`,
  ].join("\n");
  const yaml = `${header}\n${stringify(withoutDefaults(next), { lineWidth: 0 })}`;
  const fileName = opts.out ? path.basename(opts.out) : `${next.id}.yaml`;
  try {
    parseInstrument(yaml, fileName);
  } catch (e) {
    if (e instanceof InstrumentError) for (const i of e.issues) io.err(englishIssue(i));
    else io.err(e instanceof Error ? e.message : String(e));
    io.err("the imported instrument does not validate; nothing written");
    return 1;
  }
  if (opts.out) {
    writeFileSync(opts.out, yaml);
    io.out(`${next.id} ${next.version} written to ${opts.out} (total_weight ${num(next.total_weight)}, from_year ${year}, status ${next.status})`);
  } else io.out(yaml);
  return 0;
}
