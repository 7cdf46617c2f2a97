import type { Db } from "#db/client.server";
import { type NotificationConfig, notificationConfig } from "~/services/notifications/config.server";
import { deliver, usersByIds } from "~/services/notifications/notify.server";
import { quarters } from "./quarters";

/*
 * The quarterly report reminder of a Rencana Aksi (issue #29; due dates per quarter are Cermin's
 * addition, spec rb-2024 §2.3 / G9): `config.windowDays` days before a quarter's due date, the plan's
 * team (the organisation's coordinators and organisation-wide assessors) is told how many outputs with a
 * target that quarter have no realisation yet. Runs inside the daily window-reminder job; deduplicated per
 * plan, quarter and day.
 */

const addDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export async function sendRenaksiDueReminders(db: Db, day: string, config: NotificationConfig = notificationConfig(), now = new Date()): Promise<number> {
  const target = addDays(day, config.windowDays);
  const plans = await db
    .selectFrom("renaksi_plan as p")
    .innerJoin("organisation as o", "o.id", "p.organisation_id")
    .select(["p.id", "p.organisation_id", "p.year", "p.due_tw1", "p.due_tw2", "p.due_tw3", "p.due_tw4", "o.name"])
    .where((eb) => eb.or([eb("p.due_tw1", "=", target), eb("p.due_tw2", "=", target), eb("p.due_tw3", "=", target), eb("p.due_tw4", "=", target)]))
    .execute();
  let created = 0;
  for (const plan of plans) {
    const dues = [plan.due_tw1, plan.due_tw2, plan.due_tw3, plan.due_tw4];
    const outputs = await db.selectFrom("renaksi_output").select(["target_tw_json", "realisation_tw_json"]).where("plan_id", "=", plan.id).execute();
    const team = await db
      .selectFrom("membership")
      .select("user_id")
      .where("organisation_id", "=", plan.organisation_id)
      .where((eb) => eb.or([eb("role", "=", "coordinator"), eb.and([eb("role", "=", "assessor"), eb("unit_id", "is", null)])]))
      .execute();
    const recipients = await usersByIds(db, [...new Set(team.map((m) => m.user_id))]);
    for (const [i, due] of dues.entries()) {
      if (due !== target) continue;
      const open = outputs.filter((o) => (quarters(o.target_tw_json)[i] ?? 0) > 0 && quarters(o.realisation_tw_json)[i] === null).length;
      if (open === 0) continue;
      created += await deliver(
        db,
        recipients,
        {
          kind: "renaksi_due",
          assessmentId: null,
          itemId: null,
          params: { unit: plan.name, period: String(plan.year), quarter: i + 1, days: config.windowDays, date: due, open },
          link: `/renaksi/${plan.id}/monev?tw=${i + 1}`,
          dedupeKey: `renaksi:due:${plan.id}:${i + 1}:${day}`,
        },
        config,
        now,
      );
    }
  }
  return created;
}
