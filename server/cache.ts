/**
 * A map whose entries expire after `ttlMs` and which never holds more than `maxEntries`:
 * when full, the entry set longest ago goes first (setting a key again makes it the
 * newest). One per process and purpose, created in createAppContext. `ttlMs: 0` stores
 * nothing (a cache turned off); `Infinity` keeps entries until they are pushed out.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(private readonly options: { ttlMs: number; maxEntries: number }) {}

  get(key: K, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V, now = Date.now()): void {
    if (this.options.ttlMs <= 0) return;
    this.entries.delete(key); // re-inserted last: the map's order is the age of the last set
    this.entries.set(key, { value, expiresAt: now + this.options.ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Removes the entries that match (a user's, say), or all of them. */
  clear(match: (value: V, key: K) => boolean = () => true): void {
    for (const [key, entry] of this.entries) if (match(entry.value, key)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
