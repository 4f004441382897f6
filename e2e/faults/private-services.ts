import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startMariadb } from "@/scripts/ops/mariadb";
import { privateServer, stopServer, type PrivateServer } from "@/scripts/ops/private-server";
import { startRedis } from "@/scripts/ops/redis";
import type { ServiceUrl } from "@/scripts/ops/service-url";
import { freePort } from "@/test/stack";

/** A private server of the fault tests: stopped and started again by the test itself. */
export interface FaultServer {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface PrivateServices {
  mariadb: FaultServer;
  redis: FaultServer;
  /** A tmpfs of `size` for RUNS_DIR, or the reason there is none (not root, no mount). */
  runsDir: { path: string; tmpfs: true } | { path: string; tmpfs: false; reason: string };
  remove(): Promise<void>;
}

function faultServer(
  server: PrivateServer,
  url: ServiceUrl,
  start: (server: PrivateServer, url: ServiceUrl) => Promise<void>,
): FaultServer {
  const auth = url.user ? `${url.user}@` : "";
  return {
    url: `${url.scheme}://${auth}${url.host}:${url.port}`,
    async stop() {
      if (!(await stopServer(server))) throw new Error(`${server.name} did not stop`);
    },
    start: () => start(server, url),
  };
}

/** Mounts a tmpfs of `size` on `dir` (tests run as root here and on CI). */
function mountTmpfs(dir: string, size: string): string | undefined {
  if (process.getuid?.() !== 0) return "the fault tests do not run as root (mount needs it)";
  const mount = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", dir], {
    encoding: "utf8",
  });
  return mount.status === 0 ? undefined : `mount -t tmpfs failed: ${mount.stderr.trim()}`;
}

/**
 * A MariaDB and a Redis of their own (scripts/ops starts them as `npm run up` does, on
 * free ports, with their data in a temporary folder), never the machine's shared servers,
 * which other tests use: these are the ones the fault tests stop.
 */
export async function startPrivateServices(options: { runsDirSize: string }) {
  const root = mkdtempSync(path.join(tmpdir(), "runport-faults-"));
  const [mysqlPort, redisPort] = [await freePort(), await freePort()];
  const mysqlUrl: ServiceUrl = {
    scheme: "mysql",
    host: "127.0.0.1",
    port: mysqlPort,
    user: "root",
    password: "",
  };
  const redisUrl: ServiceUrl = { ...mysqlUrl, scheme: "redis", port: redisPort, user: "" };
  const mariadbServer = privateServer(root, "mariadb");
  const redisServer = privateServer(root, "redis");
  const runsPath = path.join(root, "runs");
  mkdirSync(runsPath);
  const reason = mountTmpfs(runsPath, options.runsDirSize);
  const services: PrivateServices = {
    mariadb: faultServer(mariadbServer, mysqlUrl, startMariadb),
    redis: faultServer(redisServer, redisUrl, startRedis),
    runsDir: reason ? { path: runsPath, tmpfs: false, reason } : { path: runsPath, tmpfs: true },
    async remove() {
      await Promise.all([stopServer(mariadbServer), stopServer(redisServer)]);
      if (!reason) spawnSync("umount", [runsPath]);
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all([services.mariadb.start(), services.redis.start()]);
  } catch (error) {
    await services.remove();
    throw error;
  }
  return services;
}
