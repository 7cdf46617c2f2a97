import path from "node:path";
import type { Instrument } from "~/domain/instrument/schema";
import { itemsWithGroups, treeNodes, type TreeNode } from "~/domain/instrument/tree";
import { fmt } from "~/domain/scoring/format";
import { readInstrumentFiles } from "~/services/instruments/catalog.server";
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
  const { settings } = instrument;
  lines.push(
    `  pengaturan: abcd_values=${settings.abcd_values}, zi_area_min_scope=${settings.zi_area_min_scope}, id_scheme=${settings.id_scheme}, predicate_rule=${settings.predicate_rule}`,
  );
  return lines;
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
