#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (which also resolves the tsconfig path aliases).
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.env.CERMIN_ROOT ??= root;
register({ tsconfig: resolve(root, "tsconfig.json") });
const { main } = await import(pathToFileURL(resolve(root, "app/cli/main.ts")).href);
const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
