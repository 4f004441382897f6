import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";
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
  const mail = await startMailSink();
  const stack = await startStack({
    ...resources,
    adminPassword,
    logDir: path.resolve("test-results/e2e-processes"),
    env: {
      SMTP_URL: mail.url,
      SMTP_FROM: "Runport e2e <runport@e2e.test>",
      // The shipped pipelines, and one test pipeline for e2e/previews.e2e.test.ts (an output
      // of each preview kind): a root that holds a pipeline.json is that one pipeline, so no
      // other fixture pipeline joins the list other e2e files see.
      PIPELINES_PATH: [
        path.resolve("pipelines"),
        path.resolve("test/fixtures/pipelines/preview-probe"),
      ].join(":"),
    },
  }).catch(async (error: unknown) => {
    await resources.remove();
    await mail.close();
    throw error;
  });
  project.provide("databaseUrl", resources.databaseUrl);
  project.provide("redisUrl", resources.redisUrl);
  project.provide("redisPrefix", resources.redisPrefix);
  project.provide("baseUrl", stack.baseUrl);
  project.provide("runsDir", stack.runsDir);
  project.provide("stackEnv", stack.env);
  project.provide("adminPassword", adminPassword);
  project.provide("mailDir", mail.dir);
  return async () => {
    await stack.stop();
    await resources.remove();
    await mail.close();
  };
}

/**
 * A real SMTP server for the stack's end-of-run e-mail (SMTP_URL): each message it is given
 * becomes a file `<time>-<n>.eml` in `dir`, which tests read (they run in other processes).
 */
async function startMailSink() {
  const dir = mkdtempSync(path.join(tmpdir(), "runport-e2e-mail-"));
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        count += 1;
        writeFileSync(path.join(dir, `${Date.now()}-${count}.eml`), Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as { port: number };
  return {
    dir,
    url: `smtp://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    runsDir: string;
    stackEnv: Record<string, string>;
    adminPassword: string;
    /** Where the stack's SMTP server leaves the messages it receives (.eml files). */
    mailDir: string;
  }
}
