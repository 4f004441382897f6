import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { decideService, missingPackages } from "./decide";
import { probeWriters, writerPackages } from "./fixture-writers";
import { slurmPackages } from "./slurm-packages";
import { deployPackages } from "./deploy-packages";
import { loginMariadbUser, startMariadb } from "./mariadb";
import { alive, privateServer, runningServer, type PrivateServer } from "./private-server";
import { aptInstall, serverPrograms } from "./programs";
import { probeMysql, probeRedis } from "./probe";
import { startRedis } from "./redis";
import { hostPort, parseServiceUrl } from "./service-url";
import type { Settings } from "./settings";

/**
 * Makes sure the MariaDB (or MySQL) server and the Redis server of the URLs answer. For
 * each: something answers with these credentials → use it; else, when the URL's host is
 * this machine → install the server programs with apt-get when missing and start a
 * PRIVATE server as the current user, bound to the URL's host and port, with its data in
 * .data/ (no systemd needed: works in containers too); else → fail with an explanation.
 * `chromium`: also install Debian's chromium when /usr/bin/chromium is missing.
 * `fixtureWriters`: also python3-openpyxl and gnumeric, when missing (workbook tests).
 * `slurm`: also slurmctld, slurmd, slurm-client and munge, when missing (Slurm executor tests).
 * `deploy`: also nginx, supervisor and openssl, when missing (deployment tests).
 * Returns the private servers it started (the caller may stop them when done).
 */
export async function ensureServices(o: {
  root: string;
  settings: Pick<Settings, "DATABASE_URL" | "REDIS_URL">;
  chromium?: boolean;
  fixtureWriters?: boolean;
  slurm?: boolean;
  deploy?: boolean;
}): Promise<PrivateServer[]> {
  const { DATABASE_URL, REDIS_URL } = o.settings;
  const urls = {
    mariadb: parseServiceUrl(DATABASE_URL, 3306),
    redis: parseServiceUrl(REDIS_URL, 6379),
  };
  if (urls.mariadb?.scheme !== "mysql")
    throw new Error(`MariaDB: DATABASE_URL is not a valid mysql:// URL: ${DATABASE_URL}`);
  if (!/^rediss?$/.test(urls.redis?.scheme ?? ""))
    throw new Error(`Redis: REDIS_URL is not a valid redis:// URL: ${REDIS_URL}`);

  return withLock(path.join(o.root, ".data/.services.lock"), async () => {
    const facts = [];
    for (const kind of ["mariadb", "redis"] as const) {
      const [url, server] = [urls[kind]!, privateServer(o.root, kind)];
      const probe = await (kind === "mariadb" ? probeMysql : probeRedis)(url);
      facts.push({ kind, url, server, probe, running: runningServer(server) });
    }
    const packages = [
      ...missingPackages({
        services: facts.map((f) => ({ ...f, programsFound: !!serverPrograms(f.kind) })),
        chromiumMissing: !!o.chromium && !fs.existsSync("/usr/bin/chromium"),
      }),
      ...(o.fixtureWriters ? writerPackages(probeWriters()) : []),
      ...(o.slurm ? slurmPackages() : []),
      ...(o.deploy ? deployPackages() : []),
    ];
    if (packages.length > 0) aptInstall(o.root, packages);

    const started: PrivateServer[] = [];
    for (const f of facts) {
      const { server, url } = f;
      const where = hostPort(url.host, url.port);
      let decision = decideService(f);
      if (decision.kind === "fix-user") {
        const probe = await loginMariadbUser(server, url);
        const fixed = `MariaDB: using the private server on ${where} (data in ${server.data}; user "${url.user}" set up)`;
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
      await (f.kind === "redis" ? startRedis : startMariadb)(server, url);
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
