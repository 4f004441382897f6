import path from "node:path";
import { createAppContext, type AppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { createUser } from "@/server/users/create-user";
import { createTestResources } from "@/test/resources";
import { startStack, type Stack, type StackOptions } from "@/test/stack";

/**
 * A part of the bench on a stack of its own (own database and key prefix), with a
 * submitter `username`; everything is stopped and removed afterwards.
 */
export async function withBenchStack<T>(
  o: { outDir: string; username: string } & Pick<
    StackOptions,
    "processes" | "env" | "webInstances"
  >,
  measure: (bench: { stack: Stack; ctx: AppContext; auth: string; password: string }) => Promise<T>,
): Promise<T> {
  const { outDir, username, ...options } = o;
  const resources = await createTestResources();
  const logDir = path.join(outDir, "processes");
  const stack = await startStack({
    ...resources,
    ...options,
    adminPassword: "bench-admin-1",
    logDir,
  });
  const ctx = createAppContext({ ...loadConfig(stack.env), logLevel: "warn" }, "bench");
  try {
    const password = `${username}-password-1`;
    await createUser(ctx, { username, role: "submitter", password });
    const auth = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
    return await measure({ stack, ctx, auth, password });
  } finally {
    await ctx.close();
    await stack.stop();
    await resources.remove();
  }
}

/** POST /api/v1/runs; the new run's public id. */
export async function submitRun(baseUrl: string, auth: string, body: object): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/runs`, {
    method: "POST",
    headers: { Authorization: auth, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 201)
    throw new Error(`POST /api/v1/runs: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}
