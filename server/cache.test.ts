import { describe, expect, it } from "vitest";
import { TtlCache } from "./cache";

describe("TtlCache", () => {
  it("expires entries after ttlMs", () => {
    const cache = new TtlCache<string, number>({ ttlMs: 1000, maxEntries: 10 });
    cache.set("a", 1, 0);
    expect(cache.get("a", 999)).toBe(1);
    expect(cache.get("a", 1000)).toBeUndefined();
    expect(cache.size).toBe(0); // an expired entry is dropped when seen
  });

  it("stays bounded, pushing out the entry set longest ago", () => {
    const cache = new TtlCache<string, number>({ ttlMs: Infinity, maxEntries: 2 });
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("a", 3); // "a" is now the newest
    cache.set("c", 4);
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(3);
    expect(cache.get("c")).toBe(4);
  });

  it("stores nothing with ttlMs 0", () => {
    const cache = new TtlCache<string, number>({ ttlMs: 0, maxEntries: 10 });
    cache.set("a", 1);
    expect(cache.get("a")).toBeUndefined();
  });

  it("deletes one key, the matching entries, or everything", () => {
    const cache = new TtlCache<string, number>({ ttlMs: 1000, maxEntries: 10 });
    for (const [key, value] of [
      ["a", 1],
      ["b", 2],
      ["c", 3],
      ["d", 4],
    ] as const)
      cache.set(key, value);
    cache.delete("a");
    cache.clear((value) => value % 2 === 0);
    expect([cache.get("a"), cache.get("b"), cache.get("c"), cache.get("d")]).toEqual([
      undefined,
      undefined,
      3,
      undefined,
    ]);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
