import { describe, expect, it } from "vitest";
import {
  bindAddress,
  databaseServerUrl,
  hostPort,
  isLocalHost,
  parseServiceUrl,
} from "./service-url";

describe("parseServiceUrl", () => {
  it("splits a URL and decodes the credentials", () => {
    expect(parseServiceUrl("mysql://run%40port:p%3Aw%2F@db.example:3307/runport", 3306)).toEqual({
      scheme: "mysql",
      host: "db.example",
      port: 3307,
      user: "run@port",
      password: "p:w/",
    });
  });

  it("uses the default port and strips IPv6 brackets", () => {
    expect(parseServiceUrl("redis://[::1]", 6379)).toMatchObject({
      host: "::1",
      port: 6379,
      user: "",
      password: "",
    });
  });

  it("refuses text that is not a URL with a host, or has a broken escape", () => {
    expect(parseServiceUrl("127.0.0.1:3306", 3306)).toBeUndefined();
    expect(parseServiceUrl("mysql:///runport", 3306)).toBeUndefined();
    expect(parseServiceUrl("mysql://a:%E0%A4%A@host/x", 3306)).toBeUndefined();
  });
});

describe("hosts", () => {
  it("knows which hosts are this machine", () => {
    expect(["localhost", "127.0.0.1", "127.1.2.3", "::1"].map(isLocalHost)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(["db", "10.0.0.1", "::2", "localhost.example"].map(isLocalHost)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it("binds localhost to IPv4 and writes IPv6 host:port with brackets", () => {
    expect(bindAddress("localhost")).toBe("127.0.0.1");
    expect(bindAddress("::1")).toBe("::1");
    expect(hostPort("::1", 6380)).toBe("[::1]:6380");
    expect(hostPort("127.0.0.1", 3306)).toBe("127.0.0.1:3306");
  });

  it("cuts the database (and its options) off a database URL", () => {
    expect(databaseServerUrl("mysql://root:pw@127.0.0.1:3306/runport?ssl=1")).toBe(
      "mysql://root:pw@127.0.0.1:3306",
    );
    expect(databaseServerUrl("mysql://root@localhost/runport")).toBe("mysql://root@localhost");
  });
});
