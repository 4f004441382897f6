import {
  existsSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { SERVICE_NAMES } from "./decide";
import { hostPort } from "./service-url";

// The private MariaDB and Redis servers of a checkout: data in .data/mariadb and
// .data/redis, found through their pid files.

export interface PrivateServer {
  kind: "mariadb" | "redis";
  name: string;
  /** Absolute data directory. */
  dir: string;
  /** Relative, for messages. */
  data: string;
  pidFile: string;
  log: string;
  /** HOST= and PORT= the server was started for. */
  stateFile: string;
}

export function privateServer(root: string, kind: "mariadb" | "redis"): PrivateServer {
  const dir = path.join(root, ".data", kind);
  return {
    kind,
    name: SERVICE_NAMES[kind],
    dir,
    data: `.data/${kind}`,
    pidFile: path.join(dir, kind === "mariadb" ? "mariadbd.pid" : "redis.pid"),
    log: path.join(dir, kind === "mariadb" ? "error.log" : "redis.log"),
    stateFile: path.join(dir, "runport-server"),
  };
}

/**
 * The pid of the server when it runs and really is the server of its directory
 * (mariadbd and redis-server chdir into it): a stale pid file whose number now belongs
 * to another process, a system service or another checkout's server never counts.
 */
export function runningPid(server: PrivateServer): number | undefined {
  try {
    const pid = Number(readFileSync(server.pidFile, "utf8").replace(/\D/g, ""));
    if (!pid) return undefined;
    process.kill(pid, 0);
    if (existsSync(`/proc/${pid}`) && readlinkSync(`/proc/${pid}/cwd`) !== realpathSync(server.dir))
      return undefined;
    return pid;
  } catch {
    return undefined;
  }
}

export function readState(server: PrivateServer): {
  host?: string;
  port?: number;
  socket?: string;
} {
  if (!existsSync(server.stateFile)) return {};
  const text = readFileSync(server.stateFile, "utf8");
  const field = (key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(text)?.[1];
  const port = field("PORT");
  return { host: field("HOST"), port: port ? Number(port) : undefined, socket: field("SOCKET") };
}

export function writeState(server: PrivateServer, host: string, port: number, extra = ""): void {
  writeFileSync(server.stateFile, `HOST=${host}\nPORT=${port}\n${extra}`);
}

/** The server that runs now, as decideService wants it. */
export function runningServer(server: PrivateServer) {
  const pid = runningPid(server);
  return pid === undefined ? undefined : { pid, port: readState(server).port };
}

export function logSize(server: PrivateServer): number {
  return existsSync(server.log) ? statSync(server.log).size : 0;
}

/** What the log says since `offset`. */
export function logSince(server: PrivateServer, offset: number): string {
  return existsSync(server.log) ? readFileSync(server.log).subarray(offset).toString("utf8") : "";
}

export function lastLines(text: string, n: number): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}

export function statusLine(server: PrivateServer): string {
  if (!existsSync(server.dir))
    return `${server.name}: no private server (nothing in ${server.data})`;
  const pid = runningPid(server);
  if (pid === undefined) return `${server.name}: not running (data in ${server.data})`;
  const { host, port } = readState(server);
  const where = host && port ? hostPort(host, port) : "?";
  return `${server.name}: running (pid ${pid}) on ${where}, data in ${server.data}`;
}

/**
 * SIGTERM, which both servers treat as a clean shutdown (MariaDB flushes InnoDB, Redis
 * writes its append-only file), then waits up to a minute for the process to exit.
 * Returns false when it still runs.
 */
export async function stopServer(server: PrivateServer): Promise<boolean> {
  const pid = runningPid(server);
  if (pid === undefined) {
    console.log(`${server.name}: not running`);
    return true;
  }
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 120 && alive(pid); i++) await sleep(500);
  if (alive(pid)) {
    console.error(
      `${server.name}: still shutting down after 60 s (pid ${pid}); check again with: npm run services -- status`,
    );
    return false;
  }
  console.log(`${server.name}: stopped (data kept in ${server.data})`);
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `ready` until it says yes; throws with the end of the server's log otherwise. */
export async function waitUntilStarted(
  server: PrivateServer,
  o: {
    where: string;
    logOffset: number;
    seconds: number;
    failed: RegExp;
    ready: () => Promise<boolean>;
  },
): Promise<void> {
  const deadline = Date.now() + o.seconds * 1000;
  while (!(await o.ready())) {
    // Give up early when the server has already logged that it stopped.
    if (Date.now() > deadline || o.failed.test(logSince(server, o.logOffset)))
      throw new Error(
        `${server.name}: the private server did not start on ${o.where}. The end of ${server.data}/${path.basename(server.log)}:\n${lastLines(logSince(server, o.logOffset), 20)}`,
      );
    await sleep(400);
  }
}
