import { describe, expect, it } from "vitest";
import { createResponseChecker } from "./contract";

const check = createResponseChecker();
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers });
const problem = {
  type: "urn:runport:problem:not-found",
  title: "Not found",
  status: 404,
  detail: "There is no run",
  code: "NOT_FOUND",
};

describe("the contract check of callRoute", () => {
  it("accepts answers the document describes", async () => {
    expect(await check("GET", "/api/health/live", json({ status: "ok" }))).toEqual([]);
    const notFound = new Response(JSON.stringify(problem), {
      status: 404,
      headers: { "Content-Type": "application/problem+json; charset=utf-8" },
    });
    expect(await check("GET", "/api/v1/runs/abc?x=1", notFound)).toEqual([]);
    expect(await check("DELETE", "/api/v1/tokens/7", new Response(null, { status: 204 }))).toEqual(
      [],
    );
  });

  it("catches a body that does not match its schema", async () => {
    const [message] = await check("GET", "/api/health/live", json({ status: "fine" }));
    expect(message).toMatch(/GET \/api\/health\/live → 200 \(application\/json\) does not match/);
    const extra = await check(
      "POST",
      "/api/v1/runs/abc/cancel",
      json({ status: "cancelled", why: 1 }, 202),
    );
    expect(extra[0]).toContain("must NOT have additional properties");
  });

  it("catches an undeclared status, media type, missing header or unknown path", async () => {
    expect((await check("GET", "/api/health/live", json({ status: "ok" }, 418)))[0]).toContain(
      "declares only 200",
    );
    const text = new Response("ok", { headers: { "Content-Type": "text/plain" } });
    expect((await check("GET", "/api/health/live", text))[0]).toContain("Content-Type text/plain");
    const notFound = new Response(JSON.stringify(problem), {
      status: 404,
      headers: { "Content-Type": "application/json" },
    });
    expect((await check("GET", "/api/v1/runs/abc", notFound))[0]).toContain(
      "declared application/problem+json",
    );
    const schedule = await check("POST", "/api/v1/schedules", json({}, 201));
    expect(schedule.join("\n")).toContain("no Location header");
    expect(await check("GET", "/api/v1/nothing", json({}))).toEqual([
      "GET /api/v1/nothing is not in the OpenAPI document",
    ]);
  });
});

describe("header values", () => {
  it("checks a declared header's type", async () => {
    const page = (cursor: string) =>
      new Response("log", {
        headers: { "Content-Type": "text/plain", "X-Next-Cursor": cursor, "X-More-Data": "false" },
      });
    expect(await check("GET", "/api/v1/runs/abc/logs", page("12"))).toEqual([]);
    expect((await check("GET", "/api/v1/runs/abc/logs", page("twelve")))[0]).toContain(
      "X-Next-Cursor: twelve is not of type integer",
    );
  });
});
