import type { Probe } from "./probe";
import { hostPort, isLocalHost, type ServiceUrl } from "./service-url";

// What to do about one service, from what was found: pure, so that every branch is tested.

export interface ServiceFacts {
  kind: "mariadb" | "redis";
  url: ServiceUrl;
  probe: Probe;
  /** This checkout's private server, when it runs: its pid and the port it was started for. */
  running?: { pid: number; port: number | undefined };
}

export type Decision =
  | { kind: "use"; message: string }
  /** Our own private MariaDB refuses the URL's login: set that user up, then look again. */
  | { kind: "fix-user" }
  | { kind: "start" }
  | { kind: "fail"; lines: string[] };

export const SERVICE_NAMES = { mariadb: "MariaDB", redis: "Redis" } as const;

export function decideService(f: ServiceFacts): Decision {
  const [name, data] = [SERVICE_NAMES[f.kind], `.data/${f.kind}`];
  const where = hostPort(f.url.host, f.url.port);
  const local = isLocalHost(f.url.host);
  const ours = local && f.running !== undefined && f.running.port === f.url.port;
  const reason = f.probe.message.replace(/\s*\n\s*/g, " ").trim();
  const fail = (text: string): Decision => ({ kind: "fail", lines: text.trim().split("\n") });
  const orOwn = (setting: string) =>
    local ? `or let Runport run its own server on another port: ${setting}` : "";

  if (f.probe.status === "ok") {
    const what = ours ? `the private server on ${where} (data in ${data})` : where;
    return { kind: "use", message: `${name}: using ${what}` };
  }
  if (f.probe.status === "refused" && f.kind === "mariadb")
    return ours
      ? { kind: "fix-user" }
      : fail(`${name}: something answers at ${where}, but logging in as "${f.url.user}" fails:
  ${reason}
If it is a MariaDB/MySQL server, put an account of it in DATABASE_URL in .env
(mysql://USER:PASSWORD@${where}/runport), for example one created with:
  sudo mariadb -e "CREATE USER 'runport'@'localhost' IDENTIFIED BY 'choose-a-password'; GRANT ALL ON *.* TO 'runport'@'localhost';"
${orOwn("DATABASE_URL=mysql://root@127.0.0.1:3307/runport")}`);
  if (f.probe.status === "refused")
    return fail(`${name}: something answers at ${where} but PING fails: ${reason}
${
  ours
    ? `It is the private server from ${data}: if you changed the password in REDIS_URL, restart it:
  npm run services -- stop, then run this again.`
    : `Put that server's password in REDIS_URL in .env (redis://:PASSWORD@${where})
${orOwn("REDIS_URL=redis://127.0.0.1:6380")}`
}`);

  // Nothing answers.
  if (!local)
    return fail(`${name}: nothing answers at ${where} (${reason}).
That is another machine, so Runport cannot start it: check that the server runs there and
that ${f.kind === "mariadb" ? "DATABASE_URL" : "REDIS_URL"} in .env (or the environment) has the right host, port, user and password.`);
  if (f.kind === "mariadb" && !f.url.user)
    return fail(`${name}: DATABASE_URL names no user (expected mysql://root@${where}/runport).`);
  if (f.kind === "redis" && f.url.scheme === "rediss")
    return fail(
      `${name}: nothing answers at ${where}, and the private server cannot do TLS: use redis:// for a local Redis.`,
    );
  if (f.kind === "redis" && f.url.user && f.url.user !== "default")
    return fail(
      `${name}: the private server supports a password (redis://:PASSWORD@host:port) but not user names; REDIS_URL names "${f.url.user}".`,
    );
  if (f.running)
    return fail(`${name}: the private server from ${data} already runs (pid ${f.running.pid}) but not on ${where}
(it was started for port ${f.running.port ?? "?"}). Stop it first: npm run services -- stop`);
  return { kind: "start" };
}

/**
 * Debian packages to install first: the server programs of each service that has to be
 * started here (local URL, nothing answers) and are missing; Chromium when asked for.
 */
export function missingPackages(o: {
  services: (ServiceFacts & { programsFound: boolean })[];
  chromiumMissing: boolean;
}): string[] {
  const needed = o.services.filter(
    (s) => isLocalHost(s.url.host) && s.probe.status === "absent" && !s.programsFound,
  );
  return [
    ...needed.flatMap((s) =>
      s.kind === "mariadb" ? ["mariadb-server", "mariadb-client"] : ["redis-server"],
    ),
    ...(o.chromiumMissing ? ["chromium"] : []),
  ];
}
