import { describe, expect, it } from "vitest";
import { CredentialCache } from "./credential-cache";

const alice = {
  userId: 1,
  username: "alice",
  role: "submitter" as const,
  via: "password" as const,
};

describe("CredentialCache", () => {
  it("keys on an HMAC (never the secret) and expires entries", () => {
    const cache = new CredentialCache("s".repeat(32), 1000);
    const key = cache.key("basic", "alice", "hunter2-password");
    expect(key).not.toContain("hunter2");
    expect(key).not.toBe(
      new CredentialCache("t".repeat(32), 1000).key("basic", "alice", "hunter2-password"),
    );
    cache.set(key, alice, 0);
    expect(cache.get(key, 999)).toEqual(alice);
    expect(cache.get(key, 1000)).toBeUndefined();
  });

  it("forgets a user's entries and stays bounded", () => {
    const cache = new CredentialCache("s".repeat(32), 1000, { maxEntries: 2 });
    cache.set("a", alice, 0);
    cache.set("b", { ...alice, userId: 2 }, 0);
    cache.set("c", { ...alice, userId: 3 }, 0);
    expect(cache.get("a", 1)).toBeUndefined();
    cache.forgetUser(2);
    expect(cache.get("b", 1)).toBeUndefined();
    expect(cache.get("c", 1)?.userId).toBe(3);
  });

  it("stores nothing of a user for a while after forgetting them (a read begun before)", () => {
    let stores = 0;
    const cache = new CredentialCache("s".repeat(32), 60_000, { beforeStore: () => stores++ });
    cache.forgetUser(1);
    cache.set("a", alice);
    expect(cache.get("a")).toBeUndefined();
    cache.set("b", { ...alice, userId: 2 });
    expect(cache.get("b")?.userId).toBe(2);
    expect(stores).toBe(1);
  });

  it("stores nothing at all when turned off", () => {
    let stores = 0;
    const cache = new CredentialCache("s".repeat(32), 0, { beforeStore: () => stores++ });
    cache.set("a", alice);
    expect([cache.size, stores]).toEqual([0, 0]);
  });
});
