import { describe, expect, it } from "vitest";
import { ZPipelineFile } from "./pipeline-definition";
import { checkNotifyAddresses, parseAddressList } from "./notify-statuses";

const pipeline = (notify: unknown) =>
  ZPipelineFile.safeParse({
    name: "p",
    version: "1.0.0",
    title: "P",
    command: ["true"],
    schema: {},
    notify,
  });

describe("notification addresses and statuses", () => {
  it("reads one address or a comma-separated list, and refuses anything else", () => {
    expect(parseAddressList(" A@Example.org , b@example.net;a@example.org")).toEqual([
      "a@example.org",
      "b@example.net",
    ]);
    expect(parseAddressList("a@example.org, not-one")).toBeNull();
    expect(parseAddressList("a@example.org\r\nBcc: x@evil.example")).toBeNull();
    expect(parseAddressList(["a@example.org"])).toBeNull();
    expect(parseAddressList(Array(21).fill("a@example.org").join(","))).toBeNull();
  });

  it("checks a config's notification field only when it holds something", () => {
    expect(checkNotifyAddresses("/contact/email", { contact: {} })).toBeNull();
    expect(checkNotifyAddresses("/email", { email: "" })).toBeNull();
    expect(checkNotifyAddresses("/email", { email: "x@example.org" })).toBeNull();
    expect(checkNotifyAddresses("/contact/email", { contact: { email: "x" } })).toMatchObject({
      path: "/contact/email",
    });
  });

  it("validates pipeline.json's notify: a JSON Pointer and known end statuses", () => {
    expect(pipeline({ emailField: "/email", statuses: ["failed", "error"] }).success).toBe(true);
    expect(pipeline({ emailField: "email" }).success).toBe(false);
    expect(pipeline({ statuses: ["running"] }).success).toBe(false);
    expect(pipeline({ statuses: ["failed", "failed"] }).success).toBe(false);
    expect(pipeline({ emailField: "/email", cc: "x" }).success).toBe(false);
  });
});
