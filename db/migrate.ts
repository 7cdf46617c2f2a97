import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from "kysely";
import type { Db } from "./client.server";
import * as m0001 from "./migrations/2026_11_23_0900_foundation";
import * as m0002 from "./migrations/2026_11_23_1000_assessments";
import * as m0003 from "./migrations/2026_11_23_1100_evaluation";
import * as m0004 from "./migrations/2026_11_23_1200_dashboard_indexes";
import * as m0005 from "./migrations/2026_11_23_1300_audit_append_only";
import * as m0006 from "./migrations/2026_11_23_1400_pg_dashboard";
import * as m0007 from "./migrations/2026_12_03_0900_lke_import";
import * as m0008 from "./migrations/2026_12_03_1300_instrument_release";
import * as m0009 from "./migrations/2026_12_03_1420_blind_scoring";
import * as m0011 from "./migrations/2026_12_03_1410_notifications";
import * as m0010 from "./migrations/2026_12_03_1400_seal";
import * as m0012 from "./migrations/2026_12_03_1500_audit_entity_index";
import * as m0013 from "./migrations/2026_12_07_1400_historical_import";
import * as m0014 from "./migrations/2026_12_07_1500_unit_code_unique";
import * as m0015 from "./migrations/2026_12_07_1600_renaksi";
import * as m0016 from "./migrations/2026_12_07_1700_renaksi_evidence";
import * as m0017 from "./migrations/2026_12_07_1800_appeals_rollups";
import * as m0018 from "./migrations/2026_12_07_1910_rollup_indexes";

// An explicit list (not a folder scan) so the same migrations run from the CLI, the server bundle and tests.
const migrations: Record<string, Migration> = {
  "2026_11_23_0900_foundation": m0001,
  "2026_11_23_1000_assessments": m0002,
  "2026_11_23_1100_evaluation": m0003,
  "2026_11_23_1200_dashboard_indexes": m0004,
  "2026_11_23_1300_audit_append_only": m0005,
  "2026_11_23_1400_pg_dashboard": m0006,
  "2026_12_03_0900_lke_import": m0007,
  "2026_12_03_1300_instrument_release": m0008,
  "2026_12_03_1420_blind_scoring": m0009,
  "2026_12_03_1410_notifications": m0011,
  "2026_12_03_1400_seal": m0010,
  "2026_12_03_1500_audit_entity_index": m0012,
  "2026_12_07_1400_historical_import": m0013,
  "2026_12_07_1500_unit_code_unique": m0014,
  "2026_12_07_1600_renaksi": m0015,
  "2026_12_07_1700_renaksi_evidence": m0016,
  "2026_12_07_1800_appeals_rollups": m0017,
  "2026_12_07_1910_rollup_indexes": m0018,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}
