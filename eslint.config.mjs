// Typed ESLint. Besides the recommended rules it enforces the import direction of
// STYLE.md: app → server → db; worker → server → db; components and lib import neither.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// Each rule names the alias form (@/server/x) and the relative form (../server/x).
const restrict = (patterns) => ({
  "no-restricted-imports": [
    "error",
    {
      patterns: patterns.map(({ from, why }) => ({
        group: from.startsWith("@/") ? [from, `**/${from.slice(2)}`] : [from],
        message: why,
      })),
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "dist/**",
      "node_modules/**",
      "db/migrations/**",
      ".data/**",
      "next-env.d.ts",
      "test-results/**",
      "bench-results/**",
      "**/*.mjs",
      "**/*.cjs",
      "**/*.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": [
        "error",
        { checksVoidReturn: { arguments: false } },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": "off",
    },
  },
  {
    files: ["**/*.tsx", "components/**/*.ts", "**/use-*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
  },
  // The import-direction blocks below apply to product code; tests may reach across layers.
  {
    files: ["lib/**", "components/**"],
    ignores: ["**/*.test.ts"],
    rules: restrict([
      { from: "@/server/*", why: "lib/ and components/ are client-safe: no server code" },
      { from: "@/db/*", why: "lib/ and components/ are client-safe: no database" },
      { from: "@/worker/*", why: "lib/ and components/ are client-safe" },
      { from: "node:*", why: "lib/ and components/ do no I/O" },
    ]),
  },
  {
    files: ["db/**"],
    ignores: ["**/*.test.ts"],
    rules: restrict([
      { from: "@/server/*", why: "db/ is below server/" },
      { from: "@/app/*", why: "db/ is below server/" },
      { from: "@/worker/*", why: "db/ is below server/" },
    ]),
  },
  {
    files: ["server/**"],
    ignores: ["**/*.test.ts"],
    rules: restrict([
      { from: "@/app/*", why: "server/ never imports routes" },
      { from: "@/worker/*", why: "server/ is shared by web, worker and beat" },
      { from: "@/components/*", why: "server/ has no React" },
    ]),
  },
  {
    files: ["app/**"],
    ignores: ["**/*.test.ts"],
    rules: restrict([
      { from: "@/worker/*", why: "the web never runs pipelines" },
      { from: "@/db/*", why: "routes call services in server/, not the database" },
    ]),
  },
  {
    files: ["worker/**"],
    ignores: ["**/*.test.ts"],
    rules: restrict([
      { from: "@/app/*", why: "the worker has no routes" },
      { from: "@/components/*", why: "the worker has no React" },
      { from: "@/db/*", why: "the worker reaches MySQL through services in server/" },
      { from: "drizzle-orm", why: "the worker reaches MySQL through services in server/" },
      { from: "drizzle-orm/*", why: "the worker reaches MySQL through services in server/" },
    ]),
  },
  {
    files: ["cli/**"],
    rules: {
      // The client talks HTTP only: no server code in its bundle (types from lib/contract are erased).
      "no-restricted-imports": "off",
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/*", "**/server/**", "**/db/**", "**/worker/**", "**/app/**", "**/lib/**"],
              allowTypeImports: true,
              message: "the runport client bundles no server code: type imports only",
            },
          ],
        },
      ],
    },
  },
);
