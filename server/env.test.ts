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
  });

  it("lists every invalid variable at once", () => {
    expect(() =>
      loadConfig({ AUTH_SECRET: "short", DATABASE_URL: "postgres://x", WORKER_CONCURRENCY: "0" }),
    ).toThrow(ConfigError);
    try {
      loadConfig({ AUTH_SECRET: "short", DATABASE_URL: "postgres://x" });
    } catch (error) {
      expect(String(error)).toContain("AUTH_SECRET");
      expect(String(error)).toContain("DATABASE_URL");
    }
  });
});
