// An in-process Cache: a bounded LRU with per-entry TTL, for single-instance runs and tests.
import type { Cache, CacheMark, Clock } from '../../application/shared/ports.js';

interface Entry {
  /** Stored as JSON so that every reader gets its own copy, as with Redis. */
  readonly json: string;
  readonly expiresAt: number;
}

/**
 * A Map keeps insertion order, so re-inserting a key on every read makes its first key the least
 * recently used one: eviction is `keys().next()`.
 */
export function memoryCache(options: {
  maxEntries: number;
  /** Where expiry reads the time; tests pass a clock they move by hand. */
  clock?: Clock;
}): Cache {
  const now = () => options.clock?.now().getTime() ?? Date.now();
  const entries = new Map<string, Entry>();
  /** Counts deletes: a set marked before one of them does not store (see Cache.mark). */
  let deletes = 0;

  return {
    get<T>(key: string): Promise<T | undefined> {
      const entry = entries.get(key);
      if (entry === undefined) return Promise.resolve(undefined);
      entries.delete(key);
      if (entry.expiresAt <= now()) return Promise.resolve(undefined);
      entries.set(key, entry);
      return Promise.resolve(JSON.parse(entry.json) as T);
    },

    mark: () => String(deletes) as CacheMark,

    set(key: string, value: unknown, ttlSeconds: number, since?: CacheMark): Promise<void> {
      if (since !== undefined && since !== String(deletes)) return Promise.resolve();
      // JSON.stringify(undefined) is undefined: storing it would make a later get throw.
      const json = JSON.stringify(value) as string | undefined;
      entries.delete(key);
      if (json === undefined) return Promise.resolve();
      entries.set(key, { json, expiresAt: now() + ttlSeconds * 1000 });
      while (entries.size > options.maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      return Promise.resolve();
    },

    delete(...keys: string[]): Promise<void> {
      if (keys.length > 0) deletes++;
      for (const key of keys) entries.delete(key);
      return Promise.resolve();
    },

    ping: () => Promise.resolve(),

    close(): Promise<void> {
      entries.clear();
      return Promise.resolve();
    },
  };
}
