import type { TestProject } from "vitest/node";
import { createTestResources } from "./resources";

/** Integration tests: one database and key prefix for the run (each file adds its own sub-prefix). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const resources = await createTestResources();
  project.provide("databaseUrl", resources.databaseUrl);
  project.provide("redisUrl", resources.redisUrl);
  project.provide("redisPrefix", resources.redisPrefix);
  return () => resources.remove();
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    redisPrefix: string;
  }
}
