import { describe, expect, it } from "vitest";
import { auditStatement, MAX_DETAILS_CHARS, toAuditRow } from "./record-audit";

const principal = { userId: 7, username: "alice", role: "admin", via: "token" } as const;

describe("toAuditRow", () => {
  it("names the actor, how they authenticated, the address and the target", () => {
    const at = new Date("2026-12-06T05:00:00Z");
    expect(
      toAuditRow({
        action: "run.cancel",
        actor: principal,
        ip: "192.0.2.1",
        target: { type: "run", id: "01abc" },
        details: { owner: "bob" },
        at,
      }),
    ).toEqual({
      at,
      action: "run.cancel",
      outcome: "ok",
      actorUserId: 7,
      actorUsername: "alice",
      via: "token",
      ip: "192.0.2.1",
      targetType: "run",
      targetId: "01abc",
      details: { owner: "bob" },
    });
  });

  it("records the command line as an actor without a user or an address", () => {
    expect(toAuditRow({ action: "user.create", actor: "cli" })).toMatchObject({
      actorUserId: null,
      actorUsername: null,
      via: "cli",
      ip: null,
      targetType: null,
      targetId: null,
      details: {},
    });
  });

  it("cuts values to their columns, so that a write never fails on length", () => {
    const row = toAuditRow({
      action: "sign-in",
      outcome: "failed",
      actor: { userId: null, username: "x".repeat(500), via: "sign-in" },
      ip: "y".repeat(100),
      target: { type: "user", id: "z".repeat(100) },
      details: { typed: "w".repeat(MAX_DETAILS_CHARS) },
    });
    expect(row.actorUsername).toHaveLength(64);
    expect(row.ip).toHaveLength(45);
    expect(row.targetId).toHaveLength(64);
    expect(Object.keys(row.details)).toEqual(["truncated"]);
    expect(row.details.truncated).toMatch(/left out/);
  });
});

describe("auditStatement", () => {
  it("has one placeholder per value, and the caller's condition", () => {
    const statement = auditStatement(
      { action: "run.release", actor: principal, details: { a: 1 } },
      "@runport_applied = 1",
    );
    expect(statement.sql.split("?").length - 1).toBe(statement.params.length);
    expect(statement.sql).toMatch(/FROM DUAL WHERE @runport_applied = 1$/);
    expect(statement.params).toContain(JSON.stringify({ a: 1 }));
    expect(auditStatement({ action: "run.retry", actor: principal }).sql).toMatch(/FROM DUAL$/);
  });
});
