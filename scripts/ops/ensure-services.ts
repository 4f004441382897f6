import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { decideService, missingPackages, type ServiceFacts } from "./decide";
import { ensureMariadbUser, startMariadb } from "./mariadb";
import { privateServer, runningServer, type PrivateServer } from "./private-server";
import { aptInstall, findProgram } from "./programs";
import { probeMysql, probeRedis } from "./probe";
import { startRedis } from "./redis";
import { bindAddress, hostPort, parseServiceUrl } from "./service-url";

export interface EnsureServicesOptions {
  root: string;
  databaseUrl: string;
  redisUrl: string;
  /** Also install Debian's chromium when /usr/bin/chromium is missing (browser tests). */
  chromium?: boolean;
}

export interface EnsuredServices {
  /** The private servers this call started (the caller may stop them when done). */
  started: PrivateServer[];
}

/**
 * Makes sure the MariaDB (or MySQL) server and the Redis server of the URLs answer. For
 * each: something answers with these credentials → use it; else, when the URL's host is
 * this machine → install the server programs with apt-get when missing and start a
 * PRIVATE server as the current user, bound to the URL's host and port, with its data in
 * .data/ (no systemd needed: works in containers too); else → fail with an explanation.
 */
export async function ensureServices(o: EnsureServicesOptions): Promise<EnsuredServices> {
  const db = parseServiceUrl(o.databaseUrl, 3306);
  if (!db || db.scheme !== "mysql")
    throw new Error(
      `MariaDB: DATABASE_URL is not a mysql:// URL: ${o.databaseUrl} (expected mysql://user:password@host:port/database)`,
    );
  const redis = parseServiceUrl(o.redisUrl, 6379);
  if (!redis || (redis.scheme !== "redis" && redis.scheme !== "rediss"))
    throw new Error(
      `Redis: REDIS_URL is not a redis:// or rediss:// URL: ${o.redisUrl} (expected redis://host:port)`,
    );

  return withLock(path.join(o.root, ".data/.services.lock"), async () => {
    const servers = {
      mariadb: privateServer(o.root, "mariadb"),
      redis: privateServer(o.root, "redis"),
    };
    const facts: ServiceFacts[] = [
      {
        kind: "mariadb",
        url: db,
        probe: await probeMysql(db),
        running: runningServer(servers.mariadb),
      },
      {
        kind: "redis",
        url: redis,
        probe: await probeRedis(redis),
        running: runningServer(servers.redis),
      },
    ];
    const packages = missingPackages({
      services: facts.map((f) => ({
        ...f,
        programsFound:
          f.kind === "mariadb"
            ? !!findProgram("mariadbd", "mysqld") &&
              !!findProgram("mariadb-install-db", "mysql_install_db")
            : !!findProgram("redis-server"),
      })),
      chromiumMissing: !!o.chromium && !existsSync("/usr/bin/chromium"),
    });
    if (packages.length > 0) aptInstall(o.root, packages);

    const started: PrivateServer[] = [];
    for (const f of facts) {
      const server = servers[f.kind];
      let decision = decideService(f);
      if (decision.kind === "fix-user") {
        await ensureMariadbUser(server, f.url.user, f.url.password);
        const probe = await probeMysql(f.url);
        decision =
          probe.status === "ok"
            ? {
                kind: "use",
                message: `MariaDB: using the private server on ${hostPort(f.url.host, f.url.port)} (data in ${server.data}; user "${f.url.user}" set up)`,
              }
            : decideService({ ...f, probe, running: undefined });
      }
      if (decision.kind === "fail") throw new Error(decision.lines.join("\n"));
      if (decision.kind === "use") {
        console.log(decision.message);
        continue;
      }
      const bind = bindAddress(f.url.host);
      if (f.kind === "redis") await startRedis(server, bind, f.url.port, f.url.password);
      else {
        await startMariadb(server, o.root, bind, f.url.port);
        if ((await probeMysql(f.url)).status !== "ok") {
          await ensureMariadbUser(server, f.url.user, f.url.password);
          const probe = await probeMysql(f.url);
          if (probe.status !== "ok")
            throw new Error(
              `MariaDB: the private server runs but user "${f.url.user}" cannot log in: ${probe.message}`,
            );
        }
      }
      started.push(server);
      console.log(
        `${server.name}: started a private server on ${hostPort(f.url.host, f.url.port)} (data in ${server.data})`,
      );
    }
    return { started };
  });
}

/**
 * One run at a time (e.g. `npm run up` and the tests started together), so that two runs
 * never initialise or start the same private server. A lock left by a dead process is taken over.
 */
async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(path.dirname(file), { recursive: true });
  // Written first, then linked into place: the lock never exists without its pid.
  const mine = `${file}.${process.pid}`;
  writeFileSync(mine, String(process.pid));
  const deadline = Date.now() + 300_000;
  try {
    for (;;) {
      try {
        linkSync(mine, file);
        break;
      } catch {
        const holder = Number(readIfExists(file)) || 0;
        if (!processAlive(holder)) {
          rmSync(file, { force: true });
          continue;
        }
        if (Date.now() > deadline)
          throw new Error(
            `Another \`npm run up\`/\`npm test\` (pid ${holder}) is still setting up the services (lock .data/.services.lock).`,
          );
        await sleep(500);
      }
    }
  } finally {
    rmSync(mine, { force: true });
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

function readIfExists(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
