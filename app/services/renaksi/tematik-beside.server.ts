import type { Db } from "#db/client.server";
import type { Instrument } from "~/domain/instrument/schema";
import { tematikRecap, type TematikRecap } from "~/domain/renaksi/tematik";
import { renaksiContentFor } from "./content.server";
import { quarters } from "./quarters";

/*
 * The evaluator's recap of the RB Tematik chain (spec rb-2024 §3.3), shown beside the worksheet's
 * Tematik rows: on the page of a node the index adds to the renormalised RB General (the instrument's
 * `evaluation.index.added`), per theme of the organisation's plan of that year. The rows stay
 * evaluator-scored; the recap is evidence, not a score (no rubric is known, G7).
 */

export interface TematikBeside {
  planId: string;
  themes: { code: string; name: string; recap: TematikRecap }[];
}

export async function tematikBeside(db: Db, instrument: Instrument, pageId: string, organisationId: string, year: number): Promise<TematikBeside | null> {
  if (!instrument.evaluation.index?.added.includes(pageId)) return null;
  const plan = await db.selectFrom("renaksi_plan").select(["id", "mode"]).where("organisation_id", "=", organisationId).where("year", "=", year).executeTakeFirst();
  const content = renaksiContentFor(year);
  if (!plan || !content) return null;
  const org = await db.selectFrom("organisation").select("kind").where("id", "=", organisationId).executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom("renaksi_output as o")
    .innerJoin("renaksi_action as a", "a.id", "o.action_id")
    .innerJoin("tematik_node as n", "n.id", "a.tematik_node_id")
    .select(["n.theme", "o.target_tw_json", "o.realisation_tw_json"])
    .where("o.plan_id", "=", plan.id)
    .execute();
  return {
    planId: plan.id,
    themes: content.tematik.themes.map((th) => ({
      code: th.code,
      name: th.lke_name[org.kind as keyof typeof th.lke_name] ?? th.name,
      recap: tematikRecap(
        rows.filter((r) => r.theme === th.code).map((r) => ({ targetTw: quarters(r.target_tw_json), realisasiTw: quarters(r.realisation_tw_json) })),
        plan.mode,
      ),
    })),
  };
}
