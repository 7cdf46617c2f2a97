/** The roll-up's CLI (issue #30): the many-organisation scale seed and the national averages import, in-process on SQLite. */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { createDb } from "#db/client.server";
import { cliDataDir, runMain } from "../helpers/cli";

const dir = cliDataDir("cermin-rollup-cli-");

test("db seed --scale 40x2 --organisations, then rollup import-national FILE as the admin", async () => {
  const seeded = await runMain("db", "seed", "--scale", "40x2", "--organisations");
  expect(seeded.code, seeded.err).toBe(0);
  expect(seeded.out).toMatch(/"organisationIds":40,"provinces":3,"regencies":33,"ministries":4/);

  const noAdmin = await runMain("rollup", "import-national", "nothing.csv");
  expect(noAdmin.code).not.toBe(0);
  const user = await runMain("user", "create", "--email", "admin@rekap.test", "--role", "admin");
  expect(user.code, user.err).toBe(0);

  const file = path.join(dir(), "nasional.csv");
  fs.writeFileSync(file, "year,kind,instrument,node,value,source\n2024,pemda_kabkota,rb-2024-kabkota,total,60.5,KemenPANRB 2025\n");
  const ok = await runMain("rollup", "import-national", file);
  expect(ok.code, ok.err).toBe(0);
  expect(ok.out).toContain("Imported 1 national average(s)");

  fs.writeFileSync(file, "year,kind,instrument,node,value\n2024,desa,rb-2024-kabkota,total,60.5\n");
  const bad = await runMain("rollup", "import-national", file);
  expect(bad.code).toBe(1);
  expect(bad.err).toContain("Row 1 is not valid");

  const db = createDb(`sqlite:${path.join(dir(), "cermin.db")}`);
  try {
    const rows = await db.selectFrom("national_average").selectAll().execute();
    expect(rows.map((r) => [r.year, r.kind, r.node_id, r.value, r.source])).toEqual([
      [2024, "pemda_kabkota", "total", 60.5, "KemenPANRB 2025"],
    ]);
    const audit = await db.selectFrom("audit_log").select("action").where("action", "=", "rollup.national_import").execute();
    expect(audit).toHaveLength(1);
    const linked = await db
      .selectFrom("organisation")
      .select("id")
      .where("kind", "=", "pemda_kabkota")
      .where("parent_id", "is", null)
      .execute();
    expect(linked).toHaveLength(0);
  } finally {
    await db.destroy();
  }
});
