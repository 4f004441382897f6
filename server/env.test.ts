import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./env";

describe("loadConfig", () => {
  it("applies defaults and resolves paths", () => {
    const config = loadConfig({
      AUTH_SECRET: "x".repeat(32),
      PIPELINES_PATH: "/a:/b",
      PATH: "/bin",
      DATABASE_URL: "mysql://u@h/db",
    });
    expect(config.pipelinesPath).toEqual(["/a", "/b"]);
    expect(config.redisPrefix).toBe("runport");
    expect(config.childEnv).toEqual({ PATH: "/bin" });
    // One submitter's batch must not take every slot (issue 10, finding 11).
    expect(config.userMaxRunning).toBe(8);
  });

  it("lists every invalid variable at once", () => {
    const load = () =>
      loadConfig({ AUTH_SECRET: "short", DATABASE_URL: "postgres://x", WORKER_CONCURRENCY: "0" });
    expect(load).toThrow(ConfigError);
    // One error names every bad variable, each with what is wrong with it.
    expect(load).toThrow(/^Invalid environment:\n/);
    expect(load).toThrow("DATABASE_URL: must be a mysql:// URL");
    expect(load).toThrow("AUTH_SECRET: must be at least 32 characters");
    expect(load).toThrow("WORKER_CONCURRENCY: Too small");
  });
});
