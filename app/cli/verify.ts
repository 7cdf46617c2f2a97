import fs from "node:fs";
import { createDb } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import { parsePublicKey } from "~/services/seal/keys.server";
import { verifyAssessment, verifyReceipt, type VerifyReport } from "~/services/seal/seal.server";
import { type CliIo, UsageError } from "./io";

/*
 * `cermin verify <assessmentId> [--seal N] [--json]`: recomputes the sealed submission from the
 * database and the evidence store and names every mismatch by item or file; exit 1 when anything
 * differs or a seal's signature or chain fails.
 * `cermin verify --receipt receipt.json --public-key KEY`: checks a receipt offline (no database);
 * KEY is the installation's public key (PEM text, a PEM file, or base64 SPKI DER).
 */

const USAGE = "usage: cermin verify <assessmentId> [--seal N] [--json] | cermin verify --receipt FILE --public-key KEY";

export async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const opts: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json") opts.json = true;
    else if (a === "--seal" || a === "--receipt" || a === "--public-key") {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value\n${USAGE}`);
      opts[a.slice(2)] = v;
    } else if (a.startsWith("--")) throw new UsageError(`unknown option ${a}\n${USAGE}`);
    else positional.push(a);
  }
  if (typeof opts.receipt === "string") return offline(opts.receipt, opts["public-key"], io);
  if (positional.length !== 1) throw new UsageError(USAGE);
  const seq = typeof opts.seal === "string" ? Number(opts.seal) : undefined;
  if (seq !== undefined && !(Number.isInteger(seq) && seq > 0)) throw new UsageError(`--seal must be a seal number (1, 2, …)\n${USAGE}`);
  const db = createDb();
  try {
    await migrateToLatest(db);
    const exists = await db.selectFrom("assessment").select("id").where("id", "=", positional[0]!).executeTakeFirst();
    if (!exists) {
      io.err(`no assessment ${positional[0]}`);
      return 1;
    }
    const report = await verifyAssessment(db, positional[0]!, { seq });
    io.out(opts.json ? JSON.stringify(report, null, 2) : reportText(report));
    return report.ok ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

function offline(file: string, key: string | true | undefined, io: CliIo): number {
  if (typeof key !== "string") throw new UsageError(`--receipt needs --public-key\n${USAGE}`);
  const publicKey = parsePublicKey(key);
  if (!publicKey) {
    io.err("--public-key: not an Ed25519 public key (PEM text, a PEM file, or base64 SPKI DER)");
    return 2;
  }
  let receipt: unknown;
  try {
    receipt = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    io.err(`cannot read the receipt ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const check = verifyReceipt(receipt, publicKey);
  if (check.ok) {
    const r = receipt as {
      assessmentId: string;
      seq: number;
      event: string;
      documentHash: string;
      signedAt: string;
      signer: { name: string };
    };
    io.out(
      `OK: receipt of assessment ${r.assessmentId}, seal ${r.seq} (${r.event}), document SHA-256 ${r.documentHash}, signed ${r.signedAt} by ${r.signer.name}`,
    );
    return 0;
  }
  io.out(`FAILED:\n${check.problems.map((p) => `  - ${p}`).join("\n")}`);
  return 1;
}

export function reportText(r: VerifyReport): string {
  const lines: string[] = [`assessment ${r.assessmentId}: ${r.ok ? "OK — unchanged since the seal" : "FAILED"}`];
  for (const s of r.seals) {
    const mark = s.signatureOk && s.chainOk && s.documentOk ? "✓" : "✗";
    lines.push(`  ${mark} seal ${s.seq} (${s.event}, ${s.at}) ${s.sealHash}`);
    if (s.origin) lines.push(`    imported from workbook ${s.origin.file} (SHA-256 ${s.origin.sha256})`);
  }
  if (r.checked) lines.push(`compared seal ${r.checked.seq} with the database and the evidence store now:`);
  for (const p of r.problems) lines.push(`  ✗ ${p}`);
  for (const m of r.mismatches) lines.push(`  ✗ ${m.kind} ${m.at}${m.layer && m.layer !== "self" ? ` [${m.layer}]` : ""}: ${m.message}`);
  if (r.checked && r.mismatches.length === 0) lines.push("  no differences");
  return lines.join("\n");
}
