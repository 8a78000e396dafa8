// An in-process Cache: a bounded LRU with per-entry TTL, for single-instance runs and tests.
import type { Cache } from '../../application/shared/ports.js';

interface Entry {
  /** Stored as JSON so that every reader gets its own copy, as with Redis. */
  readonly json: string;
  readonly expiresAt: number;
}

/**
 * A Map keeps insertion order, so re-inserting a key on every read makes its first key the least
 * recently used one: eviction is `keys().next()`.
 */
export function memoryCache(options: { maxEntries: number }): Cache {
  const entries = new Map<string, Entry>();

  return {
    get<T>(key: string): Promise<T | undefined> {
      const entry = entries.get(key);
      if (entry === undefined) return Promise.resolve(undefined);
      entries.delete(key);
      if (entry.expiresAt <= Date.now()) return Promise.resolve(undefined);
      entries.set(key, entry);
      return Promise.resolve(JSON.parse(entry.json) as T);
    },

    set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
      // JSON.stringify(undefined) is undefined: storing it would make a later get throw.
      const json = JSON.stringify(value) as string | undefined;
      entries.delete(key);
      if (json === undefined) return Promise.resolve();
      entries.set(key, { json, expiresAt: Date.now() + ttlSeconds * 1000 });
      while (entries.size > options.maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      return Promise.resolve();
    },

    delete(...keys: string[]): Promise<void> {
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
