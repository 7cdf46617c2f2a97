/** `cermin instruments import`: the admin page's upload and publish from the command line. */
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { expect, test } from "vitest";
import { editYaml, locate, PMPRB_NEXT_MAPPING, pmprbNext } from "../helpers/instrument-edits";
import { cliDataDir, runMain as run } from "../helpers/cli";

const dataDir = cliDataDir("cermin-instruments-cli-");

const write = (name: string, text: string) => {
  const file = path.join(dataDir(), name);
  fs.writeFileSync(file, text);
  return file;
};

const releases = () => {
  const conn = new SQLite(path.join(dataDir(), "cermin.db"), { readonly: true });
  try {
    return conn.prepare("select version, status from instrument_release order by uploaded_at").all();
  } finally {
    conn.close();
  }
};

test("import: issues (exit 1), a draft with its diff, then --publish as a named administrator", async () => {
  expect((await run("db", "migrate")).code).toBe(0);
  expect((await run("instruments", "import", write("a.yaml", pmprbNext()))).err).toMatch(/no system administrator/);
  expect((await run("user", "create", "--email", "root@cermin.test", "--role", "admin")).code).toBe(0);

  const bad = await run(
    "instruments",
    "import",
    write(
      "bad.yaml",
      editYaml(pmprbNext(), (d) => (locate(d, "A.1.i").node.weight = 5)),
    ),
  );
  expect(bad.code).toBe(1);
  expect(bad.err).toMatch(/bad\.yaml: cannot be imported\n {2}- A\.1: /);

  const draft = await run(
    "instruments",
    "import",
    write("pmprb-2014-1.1.0.yaml", pmprbNext()),
    "--mapping",
    write("map.json", PMPRB_NEXT_MAPPING),
  );
  expect(draft.code, draft.err).toBe(0);
  expect(draft.out).toMatch(/pmprb-2014 1\.1\.0 \[draft\]/);
  expect(draft.out).toMatch(/dibandingkan dengan 1\.0\.1/);
  expect(draft.out).toMatch(/dihapus \(1\):\n {4}- A\.1\.ii\.e \[item\]/);
  expect(draft.out).toMatch(/kode butir berubah \(1\):\n {4}A\.1\.i\.b → A\.1\.i\.z/);
  expect(draft.out).toMatch(/rilis: [0-9a-f-]{36}/);
  expect(releases()).toEqual([{ version: "1.1.0", status: "draft" }]);

  const published = await run("instruments", "import", write("b.yaml", pmprbNext("1.2.0")), "--publish", "--as", "root@cermin.test");
  expect(published.code, published.err).toBe(0);
  expect(published.out).toMatch(/pmprb-2014 1\.2\.0 \[published\]/);
  expect(published.out).toMatch(/Diterbitkan/);
  expect(releases()).toEqual([
    { version: "1.1.0", status: "draft" },
    { version: "1.2.0", status: "published" },
  ]);

  expect((await run("instruments", "import", write("c.yaml", pmprbNext("1.3.0")), "--as", "nobody@cermin.test")).err).toMatch(
    /no active user/,
  );
  expect((await run("instruments", "import")).code).toBe(2);
  expect((await run("instruments", "import", path.join(dataDir(), "missing.yaml"))).err).toMatch(/cannot read/);
});
