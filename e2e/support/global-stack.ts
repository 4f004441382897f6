import path from "node:path";
import type { TestProject } from "vitest/node";
import { createTestResources } from "@/test/resources";
import { startStack } from "@/test/stack";

/**
 * End-to-end tests run against the real three processes of the production build,
 * on a database and Redis prefix of their own, started once for all e2e files.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const resources = await createTestResources();
  const adminPassword = "e2e-admin-password";
  const stack = await startStack({
    ...resources,
    adminPassword,
    logDir: path.resolve("test-results/e2e-processes"),
  }).catch(async (error: unknown) => {
    await resources.remove();
    throw error;
  });
  project.provide("databaseUrl", resources.databaseUrl);
  project.provide("redisUrl", resources.redisUrl);
  project.provide("redisPrefix", resources.redisPrefix);
  project.provide("baseUrl", stack.baseUrl);
  project.provide("runsDir", stack.runsDir);
  project.provide("stackEnv", stack.env);
  project.provide("adminPassword", adminPassword);
  return async () => {
    await stack.stop();
    await resources.remove();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    runsDir: string;
    stackEnv: Record<string, string>;
    adminPassword: string;
  }
}
