import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";
import cermin from "./scripts/eslint/no-import-cycle.js";

export default tseslint.config(
  { ignores: ["build/**", "node_modules/**", "data/**", "test-results/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks, cermin },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // No module imports itself back, however long the way round (scripts/eslint/no-import-cycle.js).
      "cermin/no-import-cycle": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    files: ["db/migrations/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // A server process can hold two copies of kysely (the CLI's through tsx, the server build's): `instanceof`
    // on its classes is false across them. Ask db/dialect.ts (isPostgres) instead. Migrations are frozen.
    files: ["**/*.{ts,tsx}"],
    ignores: ["db/dialect.ts", "db/migrations/**", "tests/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "BinaryExpression[operator='instanceof'][right.name=/^(Postgres|Sqlite|Mysql)(Adapter|Dialect|Driver)$/]",
          message: "instanceof on a kysely class can miss (two copies of kysely in one process): use isPostgres from #db/dialect.",
        },
      ],
    },
  },
);
