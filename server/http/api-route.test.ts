import { describe, expect, it } from "vitest";
import type { AppContext } from "../context";
import { assertSameOrigin } from "./api-route";

const app = (publicUrl?: string) => ({ config: { publicUrl } }) as unknown as AppContext;
const request = (method: string, headers: Record<string, string>) =>
  new Request("http://runport.test/api/v1/runs", { method, headers });

describe("the CSRF check of session requests", () => {
  it("lets reads through and same-origin writes", () => {
    expect(() => assertSameOrigin(app(), request("GET", {}))).not.toThrow();
    expect(() =>
      assertSameOrigin(
        app(),
        request("POST", { host: "runport.test", origin: "http://runport.test" }),
      ),
    ).not.toThrow();
    expect(() =>
      assertSameOrigin(
        app(),
        request("POST", {
          host: "10.0.0.5:3000",
          "x-forwarded-host": "runport.example",
          origin: "https://runport.example",
        }),
      ),
    ).not.toThrow();
    expect(() =>
      assertSameOrigin(
        app("https://runport.example"),
        request("DELETE", { host: "internal:3000", origin: "https://runport.example" }),
      ),
    ).not.toThrow();
  });

  it.each([
    [{ host: "runport.test" }],
    [{ host: "runport.test", origin: "null" }],
    [{ host: "runport.test", origin: "http://evil.example" }],
    [{ host: "runport.test", origin: "http://runport.test.evil.example" }],
    [{ host: "runport.test", origin: "not a url" }],
  ])("refuses a write with %j", (headers) => {
    expect(() => assertSameOrigin(app(), request("POST", headers))).toThrow(
      /Cross-site request refused/,
    );
  });
});
