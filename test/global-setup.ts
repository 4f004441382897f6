import type { TestProject } from "vitest/node";
import { bundleCpuWorker } from "./cpu-bundle";
import { dropCopies, tableDefinitions } from "./file-database";
import { createTestResources } from "./resources";

/**
 * Integration tests: one migrated database and key prefix for the run; each file works
 * in its own copy of the database and below its own sub-prefix (setup-env.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const resources = await createTestResources();
  // The web's CPU thread from the current source (contexts find it at dist/cpu-worker.cjs).
  await bundleCpuWorker("server/cpu/cpu-worker.ts", "cpu-worker");
  project.provide("databaseUrl", resources.databaseUrl);
  project.provide("redisUrl", resources.redisUrl);
  project.provide("redisPrefix", resources.redisPrefix);
  project.provide("databaseTables", await tableDefinitions(resources.databaseUrl));
  return async () => {
    await dropCopies(resources.databaseUrl);
    await resources.remove();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    redisPrefix: string;
    /** The CREATE TABLE statements of the migrated database (test/file-database.ts). */
    databaseTables: string[];
  }
}
