import path from "node:path";
import { defineConfig } from "vitest/config";

// Files that start a stack of their own (own database, Redis prefix and processes; faults
// also its own MariaDB and Redis servers): they run beside the shared stack's files.
// Files whose assertions are response times under load: `npm test` runs them after the
// other lanes, alone, on a stack of their own (scripts/ops/run-tests.ts).
const alone = ["e2e/fuzz.e2e.test.ts"];

// (The array grid's file needs no stack at all: a bundled harness page and Chromium.)
const ownStack = [
  "e2e/array-grid.e2e.test.ts",
  "e2e/faults/faults.e2e.test.ts",
  "e2e/lost-worker.e2e.test.ts",
  "e2e/slurm.e2e.test.ts",
  "e2e/supervisord.e2e.test.ts",
];

// Five projects, each one file at a time: unit (pure), integration (real MariaDB + Redis,
// own database and key prefix), e2e (the built web, worker and beat as real processes, one
// stack shared by its files; Chromium for pages), e2e-alone (the same, for the files that
// measure response times) and e2e-own (end-to-end files with a stack of their own). One
// vitest process runs them one after another; `npm test` runs three at once (e2e;
// e2e-own then unit; integration: scripts/ops/run-tests.ts), then e2e-alone by itself.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [
            "**/*.int.test.ts",
            "**/*.e2e.test.ts",
            "node_modules/**",
            ".next/**",
            "dist/**",
          ],
          environment: "node",
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          exclude: ["node_modules/**", ".next/**", "dist/**"],
          globalSetup: ["test/global-setup.ts"],
          setupFiles: ["test/setup-env.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["e2e/**/*.e2e.test.ts"],
          exclude: [...ownStack, ...alone],
          globalSetup: ["e2e/support/global-stack.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e-alone",
          include: alone,
          globalSetup: ["e2e/support/global-stack.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e-own",
          include: ownStack,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
