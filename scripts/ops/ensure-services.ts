import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { decideService, missingPackages, type Decision, type ServiceFacts } from "./decide";
import { ensureMariadbUser, startMariadb } from "./mariadb";
import { alive, privateServer, runningServer, type PrivateServer } from "./private-server";
import { aptInstall, findProgram } from "./programs";
import { probeMysql, probeRedis } from "./probe";
import { startRedis } from "./redis";
import { bindAddress, hostPort, parseServiceUrl } from "./service-url";

/**
 * Makes sure the MariaDB (or MySQL) server and the Redis server of the URLs answer. For
 * each: something answers with these credentials → use it; else, when the URL's host is
 * this machine → install the server programs with apt-get when missing and start a
 * PRIVATE server as the current user, bound to the URL's host and port, with its data in
 * .data/ (no systemd needed: works in containers too); else → fail with an explanation.
 * `chromium`: also install Debian's chromium when /usr/bin/chromium is missing.
 * Returns the private servers it started (the caller may stop them when done).
 */
export async function ensureServices(o: {
  root: string;
  databaseUrl: string;
  redisUrl: string;
  chromium?: boolean;
}): Promise<PrivateServer[]> {
  const kinds = ["mariadb", "redis"] as const;
  const urls = {
    mariadb: parseServiceUrl(o.databaseUrl, 3306),
    redis: parseServiceUrl(o.redisUrl, 6379),
  };
  if (urls.mariadb?.scheme !== "mysql")
    throw new Error(`MariaDB: DATABASE_URL is not a valid mysql:// URL: ${o.databaseUrl}`);
  if (!/^rediss?$/.test(urls.redis?.scheme ?? ""))
    throw new Error(`Redis: REDIS_URL is not a valid redis:// URL: ${o.redisUrl}`);
  const probes = { mariadb: probeMysql, redis: probeRedis };
  // Each program under one of its names: what it takes to start the server here.
  const programs = {
    mariadb: [
      ["mariadbd", "mysqld"],
      ["mariadb-install-db", "mysql_install_db"],
    ],
    redis: [["redis-server"]],
  };

  return withLock(path.join(o.root, ".data/.services.lock"), async () => {
    const servers = {
      mariadb: privateServer(o.root, "mariadb"),
      redis: privateServer(o.root, "redis"),
    };
    const facts: ServiceFacts[] = [];
    for (const kind of kinds) {
      const url = urls[kind]!;
      facts.push({
        kind,
        url,
        probe: await probes[kind](url),
        running: runningServer(servers[kind]),
      });
    }
    const packages = missingPackages({
      services: facts.map((f) => ({
        ...f,
        programsFound: programs[f.kind].every((p) => findProgram(...p)),
      })),
      chromiumMissing: !!o.chromium && !fs.existsSync("/usr/bin/chromium"),
    });
    if (packages.length > 0) aptInstall(o.root, packages);

    const started: PrivateServer[] = [];
    for (const f of facts) {
      const server = servers[f.kind];
      const where = hostPort(f.url.host, f.url.port);
      let decision: Decision = decideService(f);
      if (decision.kind === "fix-user") {
        await ensureMariadbUser(server, f.url.user, f.url.password);
        const probe = await probeMysql(f.url);
        const fixed = `MariaDB: using the private server on ${where} (data in ${server.data}; user "${f.url.user}" set up)`;
        decision =
          probe.status === "ok"
            ? { kind: "use", message: fixed }
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
        await startMariadb(server, bind, f.url.port);
        if ((await probeMysql(f.url)).status !== "ok")
          await ensureMariadbUser(server, f.url.user, f.url.password);
        const probe = await probeMysql(f.url);
        if (probe.status !== "ok")
          throw new Error(
            `MariaDB: the private server runs but user "${f.url.user}" cannot log in: ${probe.message}`,
          );
      }
      started.push(server);
      console.log(`${server.name}: started a private server on ${where} (data in ${server.data})`);
    }
    return started;
  });
}

/**
 * One run at a time (e.g. `npm run up` and the tests started together), so that two runs
 * never initialise or start the same private server. The lock file is written first and
 * then linked into place (it never exists without its pid); a dead holder's is taken over.
 */
async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const mine = `${file}.${process.pid}`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(mine, String(process.pid));
  try {
    for (let waited = 0; !tryLink(mine, file); waited++) {
      let holder = 0;
      try {
        holder = Number(fs.readFileSync(file, "utf8"));
      } catch {
        continue; // just released
      }
      if (!alive(holder)) fs.rmSync(file, { force: true });
      else if (waited > 600)
        throw new Error(
          `Another \`npm run up\` or \`npm test\` (pid ${holder}) is still setting up the services.`,
        );
      else await sleep(500);
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function tryLink(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch {
    return false;
  }
}
