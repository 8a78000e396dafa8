// Redis for tests: a client ready for commands, and cleaning up under a test's key prefix.
import type { Redis } from 'ioredis';
import { createRedisClient } from '../../src/adapters/redis/redis-client.js';

export async function deleteByPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

/** The client rejects commands until connected (no offline queue), so wait for it. */
export async function readyClient(url: string): Promise<Redis> {
  // Generous: these tests check what Redis stores, not how a stalled one is skipped.
  const client = createRedisClient(url, { commandTimeoutMs: 1000 });
  if (client.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      setTimeout(() => reject(new Error(`Redis at ${url} not ready within 5 s`)), 5000).unref();
    });
  }
  return client;
}

/**
 * Moves time forward by `ms` for the keys under `prefix`, as Redis would see it: each key's TTL
 * shrinks by `ms`, and a key whose TTL runs out is gone. Expiry tests use this instead of
 * sleeping until Redis's own clock passes a TTL.
 */
export async function elapseByPrefix(client: Redis, prefix: string, ms: number): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const left = await client.pttl(key);
      if (left < 0) continue; // no TTL (-1) or already gone (-2)
      if (left <= ms) await client.del(key);
      else await client.pexpire(key, left - ms);
    }
  } while (cursor !== '0');
}
