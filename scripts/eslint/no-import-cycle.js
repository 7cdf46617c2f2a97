/*
 * ESLint rule `cermin/no-import-cycle`: reports an import whose target leads back to the importing
 * file, with the whole cycle in the message. Type-only imports count too: a cycle of types is still
 * two modules that cannot be understood one without the other.
 *
 * The project's module graph is read with TypeScript's `preProcessFile` (imports, re-exports and
 * dynamic `import()`), resolving `~/…` to app/, `#db/…` to db/ and relative paths, as tsconfig.json
 * and vite.config.ts do. Packages are leaves. Each file's edges are cached by mtime, so one lint run
 * reads every file once and a long-running ESLint (an editor) sees edits.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

const EXTENSIONS = [".ts", ".tsx", ".js", ".mjs", "/index.ts", "/index.tsx", ""];
const edgeCache = new Map(); // absolute file -> { mtimeMs, deps: string[] }

function projectRoot(file) {
  let dir = path.dirname(file);
  while (dir !== path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    dir = path.dirname(dir);
  }
  return path.dirname(file);
}

function resolve(root, fromFile, spec) {
  let base;
  if (spec.startsWith("~/")) base = path.join(root, "app", spec.slice(2));
  else if (spec.startsWith("#db/")) base = path.join(root, "db", spec.slice(4));
  else if (spec.startsWith("./") || spec.startsWith("../")) base = path.resolve(path.dirname(fromFile), spec);
  else return null;
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    try {
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not this extension
    }
  }
  return null;
}

function depsOf(root, file, text) {
  let mtimeMs = -1;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    // a file ESLint lints from memory
  }
  const cached = edgeCache.get(file);
  if (text === undefined && cached && cached.mtimeMs === mtimeMs) return cached.deps;
  if (text === undefined) {
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return [];
    }
  }
  const info = ts.preProcessFile(text, true, true);
  const deps = [];
  for (const ref of info.importedFiles) {
    const target = resolve(root, file, ref.fileName);
    if (target && !deps.includes(target)) deps.push(target);
  }
  edgeCache.set(file, { mtimeMs, deps });
  return deps;
}

/** Shortest path from `start` back to `goal`, or null. */
function pathBack(root, start, goal) {
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const next of depsOf(root, node)) {
      if (next === goal) {
        const chain = [node];
        for (let at = previous.get(node); at; at = previous.get(at)) chain.unshift(at);
        return chain;
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return null;
}

/** @type {import("eslint").Rule.RuleModule} */
export const noImportCycle = {
  meta: {
    type: "problem",
    docs: { description: "Forbid import cycles between the project's own modules" },
    schema: [],
    messages: { cycle: "Import cycle: {{chain}}. Move what both need into a module that neither imports." },
  },
  create(context) {
    const file = path.resolve(context.filename);
    const root = projectRoot(file);
    const rel = (f) => path.relative(root, f);
    depsOf(root, file, context.sourceCode.text);
    const check = (node, spec) => {
      if (typeof spec !== "string") return;
      const target = resolve(root, file, spec);
      if (!target) return;
      const chain = target === file ? [] : pathBack(root, target, file);
      if (chain) context.report({ node, messageId: "cycle", data: { chain: [file, ...chain, file].map(rel).join(" → ") } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node, node.source.value),
    };
  },
};

export default { rules: { "no-import-cycle": noImportCycle } };
