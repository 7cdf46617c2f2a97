import type { Db } from "#db/client.server";
import type { TematikNodeKind } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { newId } from "~/utils/ids";
import { RenaksiError, requirePlan } from "./access.server";
import { renaksiContentFor } from "./content.server";
import { change, nextPosition, ownRow } from "./plans.server";

/*
 * The RB Tematik chain of a plan (issue #29, spec rb-2024 §3.2): sasaran → indikator road map and
 * permasalahan → indikator permasalahan, with their realisation; actions and outputs under a
 * permasalahan go through plans.server.ts like the RB General ones. Every write through `change()`.
 */

export interface TematikNodeInput {
  theme: string;
  kind: TematikNodeKind;
  parentId: string | null;
  name: string;
  goal: string | null;
  target: number | null;
  unit: string | null;
}

export async function addTematikNode(db: Db, actor: Actor, planId: string, input: TematikNodeInput): Promise<string> {
  const ctx = await requirePlan(db, actor, planId, "fill");
  if (!renaksiContentFor(ctx.plan.year)?.tematik.themes.some((t) => t.code === input.theme)) throw new RenaksiError("renaksi.unknownTheme", { code: input.theme });
  if (input.parentId) await ownRow(db, actor, "fill", "tematik_node", planId, input.parentId);
  const id = newId();
  await change(db, actor, planId, "fill", "plan", { action: "renaksi.tematik", entityType: "tematik_node", entityId: id, after: input }, async (trx) => {
    await trx
      .insertInto("tematik_node")
      .values({
        id,
        plan_id: planId,
        theme: input.theme,
        kind: input.kind,
        parent_id: input.parentId,
        name: input.name,
        goal: input.goal,
        target: input.target,
        unit: input.unit,
        realisasi: null,
        note: null,
        evaluator_note: null,
        position: await nextPosition(trx, "tematik_node", planId),
      })
      .execute();
  });
  return id;
}

export async function saveTematikRealisation(db: Db, actor: Actor, planId: string, nodeId: string, realisasi: number | null, note: string | null): Promise<void> {
  const row = await ownRow(db, actor, "fill", "tematik_node", planId, nodeId);
  await change(db, actor, planId, "fill", "monev", { action: "renaksi.tematik.realisation", entityType: "tematik_node", entityId: nodeId, before: { realisasi: row.realisasi, note: row.note }, after: { realisasi, note } }, async (trx) => {
    await trx.updateTable("tematik_node").set({ realisasi, note }).where("id", "=", nodeId).execute();
  });
}

export async function removeTematikNode(db: Db, actor: Actor, planId: string, nodeId: string): Promise<void> {
  const row = await ownRow(db, actor, "fill", "tematik_node", planId, nodeId);
  await change(db, actor, planId, "fill", "plan", { action: "renaksi.tematik.remove", entityType: "tematik_node", entityId: nodeId, before: row }, async (trx) => {
    const ids = [nodeId, ...(await trx.selectFrom("tematik_node").select("id").where("parent_id", "=", nodeId).execute()).map((r) => r.id)];
    const actions = trx.selectFrom("renaksi_action").select("id").where("tematik_node_id", "in", ids);
    await trx.deleteFrom("renaksi_output").where("action_id", "in", actions).execute();
    await trx.deleteFrom("renaksi_action").where("tematik_node_id", "in", ids).execute();
    await trx.deleteFrom("tematik_node").where("id", "in", ids).execute();
  });
}
