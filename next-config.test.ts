// The response headers next.config.js gives every path (issue 10, finding 9: HSTS over TLS).
import { createRequire } from "node:module";
import { afterEach, describe, expect, it, vi } from "vitest";

type Rule = {
  source: string;
  has?: { type: string; key: string; value?: string }[];
  headers: { key: string; value: string }[];
};

const require = createRequire(import.meta.url);

/** next.config.js as `next build` reads it, with these environment variables. */
async function rulesWith(env: Record<string, string | undefined>): Promise<Rule[]> {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  delete require.cache[require.resolve("./next.config.js")];
  const config = require("./next.config.js") as { headers(): Promise<Rule[]> };
  return config.headers();
}

/** The headers an answer gets for a request with these headers (Next matches `has` as ^value$). */
function headersFor(rules: Rule[], request: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rule of rules) {
    const applies = (rule.has ?? []).every((has) => {
      const value = request[has.key];
      return value !== undefined && (!has.value || new RegExp(`^${has.value}$`).test(value));
    });
    if (applies) for (const { key, value } of rule.headers) out[key] = value;
  }
  return out;
}

afterEach(() => vi.unstubAllEnvs());

describe("Strict-Transport-Security", () => {
  it("is sent when the TLS proxy says https, never on plain http", async () => {
    const rules = await rulesWith({ PUBLIC_URL: undefined });
    expect(headersFor(rules, {})["Strict-Transport-Security"]).toBeUndefined();
    expect(headersFor(rules, { "x-forwarded-proto": "http" })).not.toHaveProperty(
      "Strict-Transport-Security",
    );
    for (const proto of ["https", "https, http"]) {
      expect(headersFor(rules, { "x-forwarded-proto": proto })["Strict-Transport-Security"]).toBe(
        "max-age=31536000",
      );
    }
  });

  it("is always sent when PUBLIC_URL is https", async () => {
    const rules = await rulesWith({ PUBLIC_URL: "https://runport.example" });
    expect(headersFor(rules, {})["Strict-Transport-Security"]).toBe("max-age=31536000");
  });
});

describe("framing", () => {
  it("denies framing everywhere but an output's sandboxed inline view (.../outputs/{id}/raw)", async () => {
    const { getPathMatch } = (await import("next/dist/shared/lib/router/utils/path-match")) as {
      getPathMatch: (
        source: string,
        options: { removeUnnamedParams: boolean; strict: boolean },
      ) => (path: string) => unknown;
    };
    const rules = await rulesWith({ NODE_ENV: "production" });
    const framing = (path: string) =>
      rules
        .filter(
          (rule) =>
            !rule.has &&
            getPathMatch(rule.source, { removeUnnamedParams: true, strict: true })(path),
        )
        .flatMap((rule) => rule.headers.map((h) => h.key));
    for (const path of [
      "/",
      "/runs/01abc",
      "/api/v1/runs/01abc/outputs/4",
      "/api/v1/runs/a/outputs/4/raw/x",
    ]) {
      expect(framing(path)).toEqual(
        expect.arrayContaining(["X-Frame-Options", "Content-Security-Policy"]),
      );
    }
    const raw = framing("/api/v1/runs/01abc/outputs/4/raw");
    expect(raw).not.toContain("X-Frame-Options");
    expect(raw).not.toContain("Content-Security-Policy");
    expect(raw).toContain("X-Content-Type-Options");
  });
});
