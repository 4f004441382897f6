import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { SERVICE_NAMES } from "./decide";
import { hostPort } from "./service-url";

// The private MariaDB and Redis servers of a checkout: data in .data/mariadb and
// .data/redis, found through their pid files.

export function privateServer(root: string, kind: "mariadb" | "redis") {
  const dir = path.join(root, ".data", kind);
  const mariadb = kind === "mariadb";
  return {
    name: SERVICE_NAMES[kind],
    /** Absolute data directory, and the same relative for messages. */
    dir,
    data: `.data/${kind}`,
    pidFile: path.join(dir, mariadb ? "mariadbd.pid" : "redis.pid"),
    log: path.join(dir, mariadb ? "error.log" : "redis.log"),
    /** HOST=, PORT= (and SOCKET=) the server was started with. */
    stateFile: path.join(dir, "runport-server"),
  };
}

export type PrivateServer = ReturnType<typeof privateServer>;

export function alive(pid: number): boolean {
  try {
    return pid > 0 && process.kill(pid, 0);
  } catch {
    return false;
  }
}

/**
 * The pid of the server when it runs and really is the server of its directory
 * (mariadbd and redis-server chdir into it): a stale pid file whose number now belongs
 * to another process, a system service or another checkout's server never counts.
 */
export function runningPid(server: PrivateServer): number | undefined {
  try {
    const pid = Number(fs.readFileSync(server.pidFile, "utf8").replace(/\D/g, ""));
    const cwd = fs.existsSync(`/proc/${pid}`) ? fs.readlinkSync(`/proc/${pid}/cwd`) : undefined;
    return alive(pid) && (!cwd || cwd === fs.realpathSync(server.dir)) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function readState(server: PrivateServer) {
  const text = fs.existsSync(server.stateFile) ? fs.readFileSync(server.stateFile, "utf8") : "";
  const field = (key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(text)?.[1];
  const port = field("PORT");
  return { host: field("HOST"), port: port ? Number(port) : undefined, socket: field("SOCKET") };
}

/** The server that runs now (pid, and the port it was started for), as decideService wants it. */
export function runningServer(server: PrivateServer) {
  const pid = runningPid(server);
  return pid === undefined ? undefined : { pid, port: readState(server).port };
}

export function statusLine(server: PrivateServer): string {
  const { name, data } = server;
  if (!fs.existsSync(server.dir)) return `${name}: no private server (nothing in ${data})`;
  const pid = runningPid(server);
  if (pid === undefined) return `${name}: not running (data in ${data})`;
  const { host, port } = readState(server);
  return `${name}: running (pid ${pid}) on ${host && port ? hostPort(host, port) : "?"}, data in ${data}`;
}

/**
 * SIGTERM, which both servers treat as a clean shutdown (MariaDB flushes InnoDB, Redis
 * writes its append-only file), then waits up to a minute. False when it still runs.
 */
export async function stopServer(server: PrivateServer): Promise<boolean> {
  const pid = runningPid(server);
  if (pid !== undefined) process.kill(pid, "SIGTERM");
  for (let i = 0; i < 120 && pid && alive(pid); i++) await sleep(500);
  const stopped = !pid || !alive(pid);
  if (!pid) console.log(`${server.name}: not running`);
  else if (stopped) console.log(`${server.name}: stopped (data kept in ${server.data})`);
  else
    console.error(
      `${server.name}: still shutting down after 60 s (pid ${pid}); check again with: npm run services -- status`,
    );
  return stopped;
}

/** The last lines of a log file from byte `offset` on. */
export function logTail(file: string, offset = 0, lines = 20): string {
  const text = fs.existsSync(file) ? fs.readFileSync(file).subarray(offset).toString() : "";
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * Starts a server with `start` and polls `ready`; throws with the end of its log when it
 * does not answer in time or its log already says it failed.
 */
export async function startAndWait(
  server: PrivateServer,
  o: {
    where: string;
    seconds: number;
    failed: RegExp;
    start(): boolean;
    ready(): Promise<boolean>;
  },
): Promise<void> {
  const offset = fs.existsSync(server.log) ? fs.statSync(server.log).size : 0;
  const deadline = o.start() ? Date.now() + o.seconds * 1000 : 0;
  while (!(await o.ready())) {
    const news = logTail(server.log, offset);
    if (Date.now() > deadline || o.failed.test(news))
      throw new Error(
        `${server.name}: the private server did not start on ${o.where}. The end of ${server.data}/${path.basename(server.log)}:\n${news}`,
      );
    await sleep(400);
  }
}
