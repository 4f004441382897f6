import { describe, expect, it } from "vitest";
import type { AppContext } from "../context";
import { assertNotCrossSite, assertSameOrigin, isBrowserNavigation } from "./api-route";

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

describe("the cross-site check of every unsafe request (issue 10, finding 4)", () => {
  it("lets curl, our pages and reads through", () => {
    const pass = (method: string, headers: Record<string, string>) =>
      expect(() => assertNotCrossSite(app(), request(method, headers))).not.toThrow();
    pass("POST", { authorization: "Basic eDp5" });
    pass("POST", {
      host: "runport.test",
      origin: "http://runport.test",
      "sec-fetch-site": "same-origin",
    });
    pass("DELETE", { "sec-fetch-site": "none" });
    pass("GET", { origin: "http://evil.example", "sec-fetch-site": "cross-site" });
  });

  it.each([
    [{ "sec-fetch-site": "cross-site", authorization: "Basic eDp5" }],
    [{ "sec-fetch-site": "same-site", host: "runport.test", origin: "http://runport.test" }],
    [{ host: "runport.test", origin: "http://evil.example", authorization: "Bearer t" }],
    [{ host: "runport.test", origin: "null" }],
  ])("refuses a write with %j", (headers) => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      expect(() => assertNotCrossSite(app(), request(method, headers))).toThrow(/Cross-site/);
    }
  });

  it("tells a browser's page load from an API client", () => {
    expect(isBrowserNavigation(request("GET", { "sec-fetch-mode": "navigate" }))).toBe(true);
    expect(isBrowserNavigation(request("GET", { "sec-fetch-dest": "document" }))).toBe(true);
    expect(isBrowserNavigation(request("GET", { accept: "text/html,*/*" }))).toBe(true);
    expect(
      isBrowserNavigation(request("GET", { accept: "text/html", authorization: "Basic eDp5" })),
    ).toBe(false);
    expect(isBrowserNavigation(request("GET", { accept: "application/json" }))).toBe(false);
    expect(isBrowserNavigation(request("GET", { "sec-fetch-mode": "cors" }))).toBe(false);
  });
});
