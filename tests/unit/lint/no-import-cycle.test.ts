import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ESLint, type Linter } from "eslint";
import { afterAll, describe, expect, it } from "vitest";
import cermin from "../../../scripts/eslint/no-import-cycle.js";

/*
 * The lint rule that keeps the module graph acyclic (issue #16), run through ESLint itself on
 * throwaway projects: a deliberate cycle over three files, through the `~/` alias and a type-only
 * import, must fail; the same files without the closing import must pass.
 */
const roots: string[] = [];

function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-cycle-"));
  roots.push(root);
  fs.writeFileSync(path.join(root, "package.json"), "{}");
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

async function lint(root: string) {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.js", "**/*.ts"],
        languageOptions: { parser: (await import("typescript-eslint")).parser as Linter.Parser },
        plugins: { cermin },
        rules: { "cermin/no-import-cycle": "error" },
      },
    ],
  });
  const results = await eslint.lintFiles(["app/**/*.ts"]);
  return results.flatMap((r) => r.messages.map((m) => `${path.relative(root, r.filePath)}: ${m.message}`));
}

afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

describe("cermin/no-import-cycle", () => {
  it("fails on a cycle a → b → c → a, naming the whole cycle from each file", async () => {
    const root = project({
      "app/services/a.ts": 'import { b } from "./b";\nexport const a = () => b();\n',
      "app/services/b.ts": 'import { c } from "~/domain/c";\nexport const b = () => c();\n',
      "app/domain/c.ts": 'import type { a } from "../services/a";\nexport const c = (): ReturnType<typeof a> | 1 => 1;\n',
    });
    const messages = await lint(root);
    expect(messages).toHaveLength(3);
    expect(messages).toContain(
      "app/services/a.ts: Import cycle: app/services/a.ts → app/services/b.ts → app/domain/c.ts → app/services/a.ts. Move what both need into a module that neither imports.",
    );
    expect(messages.some((m) => m.startsWith("app/domain/c.ts: Import cycle: app/domain/c.ts → app/services/a.ts"))).toBe(true);
  });

  it("passes once the closing import is gone, and ignores packages", async () => {
    const root = project({
      "app/services/a.ts": 'import { b } from "./b";\nexport const a = () => b();\n',
      "app/services/b.ts": 'import { c } from "~/domain/c";\nimport { z } from "zod";\nexport const b = () => c() + String(z);\n',
      "app/domain/c.ts": "export const c = () => 1;\n",
    });
    expect(await lint(root)).toEqual([]);
  });
});
