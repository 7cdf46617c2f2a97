import type { Db } from "#db/client.server";
import { isUniqueViolation } from "#db/errors";
import type { Unit } from "#db/schema";
import { can, type Actor } from "~/auth/permissions";
import { forbidden, notFound, requirePermission } from "~/auth/require.server";
import { newId } from "~/utils/ids";
import { writeAudit } from "./audit.server";
import { assertOrganisationActive } from "./organisations.server";

import type { UnitKind } from "./unit-kinds";

export interface UnitNode extends Unit {
  children: UnitNode[];
  depth: number;
}

export class UnitRuleError extends Error {
  constructor(public readonly key: "units.cycle" | "units.parentArchived" | "units.hasActiveChildren" | "units.codeTaken") {
    super(key);
  }
}

/**
 * Unit codes are unique per organisation, compared trimmed and case-insensitively (a unique index backs
 * this: migration 2026_12_07_1500). @throws UnitRuleError("units.codeTaken") when another unit has it.
 */
async function assertCodeFree(db: Db, organisationId: string, code: string | null, exceptId: string | null): Promise<void> {
  if (!code) return;
  const rows = await db
    .selectFrom("unit")
    .select(["id", "code"])
    .where("organisation_id", "=", organisationId)
    .where("code", "is not", null)
    .execute();
  const key = code.trim().toLowerCase();
  if (rows.some((r) => r.id !== exceptId && (r.code ?? "").trim().toLowerCase() === key)) throw new UnitRuleError("units.codeTaken");
}

/** A unique-index violation raced past assertCodeFree: the same refusal. */
async function codeGuard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isUniqueViolation(e)) throw new UnitRuleError("units.codeTaken");
    throw e;
  }
}

/**
 * The unit type a new unit most likely has, from the organisation's kind and its parent's type: a
 * ministry's top units are Eselon I, then satker, then service units; a regional government's are OPD,
 * then bagian.
 */
export function defaultUnitKind(organisationKind: string, parentKind: UnitKind | null): UnitKind {
  if (organisationKind === "kementerian_lembaga") {
    if (!parentKind) return "eselon1";
    if (parentKind === "eselon1") return "satker";
    if (parentKind === "satker") return "unit_layanan";
    return "lainnya";
  }
  return parentKind ? "bagian" : "opd";
}

const unitResource = (u: Pick<Unit, "organisation_id" | "path">) => ({
  type: "scope" as const,
  scope: { organisationId: u.organisation_id, unitPath: u.path },
});

/** Nests a flat, path-ordered list into a forest. Pure. */
export function buildTree(units: Unit[]): UnitNode[] {
  const byId = new Map<string, UnitNode>();
  const sorted = [...units].sort((a, b) => a.path.split("/").length - b.path.split("/").length || a.name.localeCompare(b.name, "id"));
  const roots: UnitNode[] = [];
  for (const u of sorted) {
    const parent = u.parent_id ? byId.get(u.parent_id) : undefined;
    const node: UnitNode = { ...u, children: [], depth: parent ? parent.depth + 1 : 0 };
    byId.set(u.id, node);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** Flattens a forest depth-first, e.g. for a <select> with indentation. */
export function flattenTree(nodes: UnitNode[]): UnitNode[] {
  return nodes.flatMap((n) => [n, ...flattenTree(n.children)]);
}

/** Units of one organisation that `action` allows the actor to see: the whole organisation or only their subtrees. */
export async function listUnits(
  db: Db,
  actor: Actor,
  organisationId: string,
  opts: { includeArchived?: boolean; action?: "unit.read" | "unit.manage" } = {},
): Promise<Unit[]> {
  const action = opts.action ?? "unit.read";
  let q = db.selectFrom("unit").selectAll().where("organisation_id", "=", organisationId);
  if (!opts.includeArchived) q = q.where("archived_at", "is", null);
  const rows = await q.orderBy("path").execute();
  return rows.filter((u) => can(actor, action, unitResource(u)));
}

export async function getUnit(db: Db, actor: Actor, id: string, action: "unit.read" | "unit.manage" = "unit.read"): Promise<Unit> {
  const unit = await db.selectFrom("unit").selectAll().where("id", "=", id).executeTakeFirst();
  if (!unit) throw notFound();
  if (!can(actor, action, unitResource(unit))) throw forbidden();
  return unit;
}

export async function createUnit(
  db: Db,
  actor: Actor,
  input: { organisationId: string; parentId: string | null; name: string; kind: UnitKind; code: string | null },
): Promise<Unit> {
  const id = newId();
  let path = `/${id}/`;
  if (input.parentId) {
    const parent = await getUnit(db, actor, input.parentId, "unit.manage");
    if (parent.organisation_id !== input.organisationId) throw notFound();
    if (parent.archived_at) throw new UnitRuleError("units.parentArchived");
    path = `${parent.path}${id}/`;
  } else {
    requirePermission(actor, "unit.manage", { type: "scope", scope: { organisationId: input.organisationId, unitPath: null } });
  }
  await assertOrganisationActive(db, input.organisationId);
  await assertCodeFree(db, input.organisationId, input.code, null);
  const unit: Unit = {
    id,
    organisation_id: input.organisationId,
    parent_id: input.parentId,
    path,
    name: input.name,
    kind: input.kind,
    code: input.code,
    archived_at: null,
    created_at: new Date().toISOString(),
  };
  await codeGuard(() =>
    db.transaction().execute(async (trx) => {
      await trx.insertInto("unit").values(unit).execute();
      await writeAudit(trx, {
        actorUserId: actor.id,
        organisationId: unit.organisation_id,
        action: "unit.create",
        entityType: "unit",
        entityId: id,
        after: unit,
      });
    }),
  );
  return unit;
}

export async function renameUnit(
  db: Db,
  actor: Actor,
  id: string,
  input: { name: string; kind: UnitKind; code: string | null },
): Promise<void> {
  const before = await getUnit(db, actor, id, "unit.manage");
  await assertCodeFree(db, before.organisation_id, input.code, id);
  await codeGuard(() =>
    db.transaction().execute(async (trx) => {
      await trx.updateTable("unit").set(input).where("id", "=", id).execute();
      await writeAudit(trx, {
        actorUserId: actor.id,
        organisationId: before.organisation_id,
        action: "unit.update",
        entityType: "unit",
        entityId: id,
        before,
        after: { ...before, ...input },
      });
    }),
  );
}

/** Moves a unit (and its subtree) under a new parent, rewriting the materialised paths in one transaction. */
export async function moveUnit(db: Db, actor: Actor, id: string, newParentId: string | null): Promise<void> {
  const unit = await getUnit(db, actor, id, "unit.manage");
  let newPath = `/${id}/`;
  if (newParentId) {
    const parent = await getUnit(db, actor, newParentId, "unit.manage");
    if (parent.organisation_id !== unit.organisation_id) throw notFound();
    if (parent.path.startsWith(unit.path)) throw new UnitRuleError("units.cycle");
    if (parent.archived_at) throw new UnitRuleError("units.parentArchived");
    newPath = `${parent.path}${id}/`;
  } else {
    requirePermission(actor, "unit.manage", { type: "scope", scope: { organisationId: unit.organisation_id, unitPath: null } });
  }
  if (newPath === unit.path) return;
  await db.transaction().execute(async (trx) => {
    const subtree = await trx.selectFrom("unit").select(["id", "path"]).where("path", "like", `${unit.path}%`).execute();
    for (const s of subtree) {
      await trx
        .updateTable("unit")
        .set({ path: newPath + s.path.slice(unit.path.length) })
        .where("id", "=", s.id)
        .execute();
    }
    await trx.updateTable("unit").set({ parent_id: newParentId }).where("id", "=", id).execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: unit.organisation_id,
      action: "unit.move",
      entityType: "unit",
      entityId: id,
      before: { parent_id: unit.parent_id },
      after: { parent_id: newParentId },
    });
  });
}

/** Archiving keeps the row (later assessments reference it); a unit with active children cannot be archived. */
export async function setUnitArchived(db: Db, actor: Actor, id: string, archived: boolean): Promise<void> {
  const unit = await getUnit(db, actor, id, "unit.manage");
  if (archived) {
    const child = await db.selectFrom("unit").select("id").where("parent_id", "=", id).where("archived_at", "is", null).executeTakeFirst();
    if (child) throw new UnitRuleError("units.hasActiveChildren");
  } else if (unit.parent_id) {
    const parent = await db.selectFrom("unit").select("archived_at").where("id", "=", unit.parent_id).executeTakeFirstOrThrow();
    if (parent.archived_at) throw new UnitRuleError("units.parentArchived");
  }
  const archivedAt = archived ? new Date().toISOString() : null;
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("unit").set({ archived_at: archivedAt }).where("id", "=", id).execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: unit.organisation_id,
      action: archived ? "unit.archive" : "unit.restore",
      entityType: "unit",
      entityId: id,
      before: { archived_at: unit.archived_at },
      after: { archived_at: archivedAt },
    });
  });
}
