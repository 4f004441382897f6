import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** The three real processes (web, worker, beat) of a production build, on test resources. */
export interface Stack {
  baseUrl: string;
  env: Record<string, string>;
  runsDir: string;
  processes: Partial<Record<"web" | "worker" | "beat", ChildProcess>>;
  /** Starts another worker (same env plus overrides). */
  startWorker(extraEnv?: Record<string, string>): ChildProcess;
  stop(): Promise<void>;
}

export interface StackOptions {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  adminPassword: string;
  /** Folder for the processes' output (inspect it when a test fails). */
  logDir: string;
  env?: Record<string, string>;
  processes?: ("web" | "worker" | "beat")[];
  /**
   * Web processes behind the one port, as PM2's cluster mode runs WEB_INSTANCES of them
   * (test/web-cluster.cjs: node's cluster module); `processes.web` is then their primary.
   */
  webInstances?: number;
}

/** As in ecosystem.config.js: a small young generation keeps idle memory (and fork cost) down. */
export const NODE_ARGS = ["--max-semi-space-size=2"];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export function requireBuild(): void {
  for (const file of [
    ".next/BUILD_ID",
    "dist/worker.cjs",
    "dist/beat.cjs",
    "dist/cpu-worker.cjs",
  ]) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
  }
}

async function waitForHealth(
  baseUrl: string,
  wantWorkers: boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      const health = (await response.json()) as {
        status: string;
        workers: { count: number };
        beat: { active: boolean };
      };
      last = JSON.stringify(health);
      if (response.ok && (!wantWorkers || (health.workers.count > 0 && health.beat.active))) return;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the stack did not become healthy in ${timeoutMs} ms: ${last}`);
}

/** Starts web, worker and beat from the production build and waits until they are healthy. */
export async function startStack(options: StackOptions): Promise<Stack> {
  requireBuild();
  const port = await freePort();
  const runsDir = mkdtempSync(path.join(tmpdir(), "runport-stack-runs-"));
  mkdirSync(options.logDir, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    NODE_ENV: "production",
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.redisPrefix,
    AUTH_SECRET: "stack-secret-stack-secret-stack-secret-42",
    ADMIN_USERNAME: "admin",
    ADMIN_PASSWORD: options.adminPassword,
    PIPELINES_PATH: path.resolve("pipelines"),
    RUNS_DIR: runsDir,
    PORT: String(port),
    LOG_LEVEL: "info",
    BEAT_INTERVAL_SECONDS: "2",
    CANCEL_GRACE_SECONDS: "2",
    WORKER_DRAIN_SECONDS: "5",
    NEXT_TELEMETRY_DISABLED: "1",
    // The e2e webhook receiver listens on 127.0.0.1 (e2e/webhooks.e2e.test.ts).
    WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
    ...options.env,
  };
  const start = (name: string, args: string[], extra: Record<string, string> = {}) => {
    const child = spawn(process.execPath, args, {
      env: { ...env, ...extra } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const log = createWriteStream(path.join(options.logDir, `${name}-${child.pid}.log`));
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    return child;
  };
  const wanted = options.processes ?? ["web", "worker", "beat"];
  const next = ["--next", "start", "--port", String(port), "--hostname", "127.0.0.1"];
  const webInstances = options.webInstances ?? 1;
  const processes = {
    web:
      webInstances > 1
        ? start("web", ["test/web-cluster.cjs", String(webInstances), ...next])
        : start("web", ["scripts/next-start.cjs", ...next]),
    ...(wanted.includes("worker")
      ? { worker: start("worker", [...NODE_ARGS, "dist/worker.cjs"]) }
      : {}),
    ...(wanted.includes("beat") ? { beat: start("beat", [...NODE_ARGS, "dist/beat.cjs"]) } : {}),
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const extraWorkers: ChildProcess[] = [];
  const stack: Stack = {
    baseUrl,
    env,
    runsDir,
    processes,
    startWorker(extraEnv = {}) {
      const child = start("worker", [...NODE_ARGS, "dist/worker.cjs"], extraEnv);
      extraWorkers.push(child);
      return child;
    },
    async stop() {
      const all = [...Object.values(processes), ...extraWorkers].filter(
        // Not the ones that ended already (exited, or killed by a test).
        (p) => p && p.exitCode === null && p.signalCode === null,
      );
      await Promise.all(
        all.map(
          (child) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
              child.once("exit", () => {
                clearTimeout(timer);
                resolve();
              });
              child.kill("SIGTERM");
            }),
        ),
      );
      rmSync(runsDir, { recursive: true, force: true });
    },
  };
  try {
    await waitForHealth(baseUrl, wanted.includes("worker") && wanted.includes("beat"), 90_000);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

/** One more web process of the production build, on a port of its own, with `env` (a stack's). */
export async function startWebProcess(
  env: Record<string, string>,
  logDir: string,
): Promise<{ baseUrl: string; process: ChildProcess; stop(): Promise<void> }> {
  requireBuild();
  const port = await freePort();
  mkdirSync(logDir, { recursive: true });
  const args = ["--next", "start", "--port", String(port), "--hostname", "127.0.0.1"];
  const childEnv: Record<string, string> = { ...env, PORT: String(port) };
  const child = spawn(process.execPath, ["scripts/next-start.cjs", ...args], {
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(path.join(logDir, `web-${child.pid}.log`));
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseUrl, false, 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, process: child, stop };
}
