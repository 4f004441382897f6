import { describe, expect, it } from "vitest";
import { AppError, isUnavailable, toProblem } from "./errors";

/** An error as mysql2 (and Node's net) make them: a code, and `fatal` for the connection. */
const mysqlError = (code: string, fatal = true) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:3306`), { code, fatal });
/** As drizzle 0.45 wraps a failed query: the driver's error is the cause. */
const drizzleWrapped = (cause: unknown) => new Error("Failed query: select 1\nparams: ", { cause });

describe("toProblem for MySQL or Redis that does not answer", () => {
  it.each([
    ["mysql2 ECONNREFUSED under drizzle", drizzleWrapped(mysqlError("ECONNREFUSED"))],
    ["mysql2 PROTOCOL_CONNECTION_LOST", mysqlError("PROTOCOL_CONNECTION_LOST")],
    ["a connect ETIMEDOUT", mysqlError("ETIMEDOUT")],
    ["the server shutting down", mysqlError("ER_SERVER_SHUTDOWN", false)],
    ["ioredis Connection is closed.", new Error("Connection is closed.")],
    [
      "ioredis MaxRetriesPerRequestError",
      Object.assign(
        new Error("Reached the max retries per request limit (which is 1). Refer to ..."),
        { name: "MaxRetriesPerRequestError" },
      ),
    ],
    ["ioredis commandTimeout", new Error("Command timed out")],
  ])("%s → 503 SERVICE_UNAVAILABLE with Retry-After", (_, error) => {
    expect(isUnavailable(error)).toBe(true);
    const { problem, headers } = toProblem(error);
    expect(problem).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
    expect(problem.detail).not.toMatch(/ECONN|127\.0\.0\.1|Failed query/);
    expect(Number(headers["Retry-After"])).toBeGreaterThan(0);
  });

  it("leaves other errors alone: a bug is still a 500, an AppError its own status", () => {
    expect(toProblem(new Error("Cannot read properties of undefined")).problem.status).toBe(500);
    expect(toProblem(drizzleWrapped(mysqlError("ER_DUP_ENTRY", false))).problem.status).toBe(500);
    expect(toProblem(new AppError("CONFLICT", "no")).problem.status).toBe(409);
  });
});
