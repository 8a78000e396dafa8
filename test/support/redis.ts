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
