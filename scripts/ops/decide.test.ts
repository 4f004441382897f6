import { describe, expect, it } from "vitest";
import { decideService, missingPackages, type ServiceFacts } from "./decide";
import type { Probe } from "./probe";
import { parseServiceUrl } from "./service-url";

const ok: Probe = { status: "ok", message: "" };
const absent: Probe = { status: "absent", message: "connect ECONNREFUSED" };
const refused: Probe = { status: "refused", message: "Access denied\nfor user" };

function facts(
  kind: "mariadb" | "redis",
  url: string,
  probe: Probe,
  running?: ServiceFacts["running"],
): ServiceFacts {
  return {
    kind,
    url: parseServiceUrl(url, kind === "mariadb" ? 3306 : 6379)!,
    probe,
    ...(running ? { running } : {}),
  };
}
const db = (
  probe: Probe,
  running?: ServiceFacts["running"],
  url = "mysql://root@127.0.0.1:3306/runport",
) => facts("mariadb", url, probe, running);
const redis = (probe: Probe, running?: ServiceFacts["running"], url = "redis://127.0.0.1:6379") =>
  facts("redis", url, probe, running);
const failure = (d: ReturnType<typeof decideService>) =>
  d.kind === "fail" ? d.lines.join("\n") : `not a failure: ${d.kind}`;

describe("decideService", () => {
  it("uses a server that answers, naming our private one when it is ours", () => {
    expect(decideService(db(ok))).toEqual({
      kind: "use",
      message: "MariaDB: using 127.0.0.1:3306",
    });
    expect(decideService(redis(ok, { pid: 7, port: 6379 }))).toEqual({
      kind: "use",
      message: "Redis: using the private server on 127.0.0.1:6379 (data in .data/redis)",
    });
    // Our private server runs, but for another port: what answers here is someone else's.
    expect(decideService(redis(ok, { pid: 7, port: 6380 }))).toMatchObject({
      message: "Redis: using 127.0.0.1:6379",
    });
  });

  it("starts a private server when nothing answers on this machine", () => {
    expect(decideService(db(absent))).toEqual({ kind: "start" });
    expect(decideService(redis(absent, undefined, "redis://:pw@localhost:6380"))).toEqual({
      kind: "start",
    });
    expect(decideService(db(absent, undefined, "mysql://root@[::1]:3307/runport"))).toEqual({
      kind: "start",
    });
  });

  it("never starts anything for another machine", () => {
    expect(
      failure(decideService(db(absent, undefined, "mysql://root@db.example/runport"))),
    ).toMatch(/nothing answers at db.example:3306 \(connect ECONNREFUSED\)[\s\S]*another machine/);
    expect(failure(decideService(redis(absent, undefined, "redis://10.0.0.5:6379")))).toMatch(
      /another machine/,
    );
  });

  it("repairs the login of our own MariaDB, and explains a refusal of anyone else's", () => {
    expect(decideService(db(refused, { pid: 7, port: 3306 }))).toEqual({ kind: "fix-user" });
    const local = failure(decideService(db(refused)));
    expect(local).toMatch(/logging in as "root" fails:\n {2}Access denied for user\n/);
    expect(local).toMatch(/its own server on another port/);
    expect(failure(decideService(db(refused, undefined, "mysql://root@db.example/x")))).not.toMatch(
      /another port/,
    );
  });

  it("tells how to fix a Redis that refuses: restart ours, or give the password of another", () => {
    expect(failure(decideService(redis(refused, { pid: 7, port: 6379 })))).toMatch(
      /npm run services -- stop/,
    );
    expect(failure(decideService(redis(refused)))).toMatch(
      /redis:\/\/:PASSWORD@127.0.0.1:6379[\s\S]*6380/,
    );
  });

  it("refuses what a private server cannot be", () => {
    expect(failure(decideService(db(absent, undefined, "mysql://127.0.0.1/runport")))).toMatch(
      /names no user/,
    );
    expect(failure(decideService(redis(absent, undefined, "rediss://127.0.0.1")))).toMatch(
      /cannot do TLS/,
    );
    expect(failure(decideService(redis(absent, undefined, "redis://bob:pw@127.0.0.1")))).toMatch(
      /not user names/,
    );
    expect(decideService(redis(absent, undefined, "redis://default:pw@127.0.0.1"))).toEqual({
      kind: "start",
    });
  });

  it("does not start a second private server while ours runs on another port", () => {
    expect(failure(decideService(db(absent, { pid: 42, port: 3307 })))).toMatch(
      /already runs \(pid 42\) but not on 127.0.0.1:3306\n\(it was started for port 3307\)/,
    );
  });
});

describe("missingPackages", () => {
  const service = (f: ServiceFacts, programsFound: boolean) => ({ ...f, programsFound });

  it("installs the server programs only of services that must be started here and lack them", () => {
    expect(
      missingPackages({
        services: [service(db(absent), false), service(redis(absent), false)],
        chromiumMissing: false,
      }),
    ).toEqual(["mariadb-server", "mariadb-client", "redis-server"]);
    expect(
      missingPackages({
        services: [
          service(db(ok), false), // something answers: nothing to start
          service(redis(absent, undefined, "redis://cache.example"), false), // not this machine
        ],
        chromiumMissing: false,
      }),
    ).toEqual([]);
    expect(
      missingPackages({
        services: [service(db(absent), true), service(redis(refused), false)],
        chromiumMissing: true,
      }),
    ).toEqual(["chromium"]);
  });
});
