import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { outlineOf } from "~/domain/instrument/outline";
import { decideAppeal, fileAppealWithFiles } from "~/services/appeals/appeals.server";
import { releaseLayer, saveEvaluatorAnswer } from "~/services/evaluation/layers.server";
import { parseValue } from "~/services/workbench/answers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";

/*
 * Demo appeals (issue #30): the regency's 2024 Evaluasi RB gets the national evaluator's (TPN, external)
 * scores on six rows, released three days before the seed so the default appeal window (10 working days)
 * is open on the seed date; the regency's team appeals two rows with a PDF: one accepted by the evaluator
 * with a new value (re-scored and sealed), one still open. All through the services, so the audit trail,
 * the notifications, the layer snapshot and the seal chain read like a real round.
 */

export interface DemoAppealSpec {
  assessmentId: string;
  team: Actor;
  /** The regency has no evaluator account in the demo: the system administrator acts as the national evaluator. */
  evaluator: Actor;
  now?: Date;
}

const DAY = 86_400_000;
const TPN_NOTE = "Bukti dukung belum menunjukkan pelaksanaan di seluruh perangkat daerah; nilai diturunkan.";

/** A small but real PDF (one page, a line of text), so the demo's files open in a browser. */
export function demoPdf(text: string): Uint8Array<ArrayBuffer> {
  const stream = `BT /F1 14 Tf 72 720 Td (${text.replace(/[()\\]/g, "")}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

export async function seedDemoAppeals(db: Db, spec: DemoAppealSpec): Promise<{ accepted: string; open: string }> {
  const now = spec.now ?? new Date();
  const ctx = await requireAssessment(db, spec.evaluator, spec.assessmentId);
  const self = await db
    .selectFrom("answer")
    .select(["item_id", "value_json"])
    .where("assessment_id", "=", ctx.assessment.id)
    .where("layer", "=", "self")
    .execute();
  const selfOf = new Map(self.map((r) => [r.item_id, parseValue(r.value_json)]));
  const rows = [...outlineOf(ctx.instrument).items.values()].filter(
    (i) => i.type === "range_scaled" && !i.computed_from && typeof selfOf.get(i.id) === "number",
  );
  const chosen = rows.filter((_, i) => i % 5 === 2).slice(0, 6);
  for (const item of chosen) {
    const mine = selfOf.get(item.id) as number;
    const lowered = Math.max(item.scale!.min, Math.round(mine * 0.75 * 100) / 100);
    await saveEvaluatorAnswer(db, spec.evaluator, ctx, {
      layer: "external",
      itemId: item.id,
      decision: "adjust",
      value: lowered,
      note: TPN_NOTE,
      recommendation: null,
    });
  }
  await releaseLayer(db, spec.evaluator, ctx, "external", { confirmed: true });
  // Released three days before the seed: the window shows its dates and the working days left.
  const releasedAt = new Date(now.getTime() - 3 * DAY);
  await db
    .updateTable("layer_release")
    .set({ released_at: releasedAt.toISOString() })
    .where("assessment_id", "=", ctx.assessment.id)
    .where("layer", "=", "external")
    .execute();
  // The snapshot taken at release is as old as the release: the roll-ups read the newest snapshot of the layer,
  // which must be the one the accepted appeal writes below (at `now`), not the release's (written just now).
  await db
    .updateTable("score_snapshot")
    .set({ created_at: releasedAt.toISOString() })
    .where("assessment_id", "=", ctx.assessment.id)
    .where("layer", "=", "external")
    .execute();
  const filedAt = new Date(releasedAt.getTime() + DAY);
  const [first, second] = chosen;
  const accepted = await fileAppealWithFiles(
    db,
    spec.team,
    ctx,
    {
      layer: "external",
      itemId: first!.id,
      reason: "Pelaksanaan sudah mencakup seluruh perangkat daerah sejak Triwulan III; laporan monitoring dan SK terlampir.",
    },
    [new File([demoPdf("Laporan monitoring pelaksanaan RB 2024")], "laporan-monitoring-2024.pdf", { type: "application/pdf" })],
    filedAt,
  );
  await decideAppeal(
    db,
    spec.evaluator,
    accepted,
    {
      decision: "accept",
      response:
        "Laporan monitoring Triwulan III–IV menunjukkan pelaksanaan di seluruh perangkat daerah; nilai dikembalikan sesuai penilaian mandiri.",
      value: selfOf.get(first!.id) as number,
    },
    now,
  );
  const open = await fileAppealWithFiles(
    db,
    spec.team,
    ctx,
    {
      layer: "external",
      itemId: second!.id,
      reason: "Dokumen evaluasi internal sudah ditetapkan Bupati; mohon ditinjau ulang bersama lampiran SK.",
    },
    [new File([demoPdf("SK Bupati tentang evaluasi internal RB")], "sk-evaluasi-internal.pdf", { type: "application/pdf" })],
    now,
  );
  return { accepted, open };
}
