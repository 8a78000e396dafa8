// Runs the Cache contract on memory always and on Redis when a test Redis is configured.
import { describe, expect, it } from 'vitest';
import { memoryCache } from '../../src/adapters/memory/memory-cache.js';
import { redisCache } from '../../src/adapters/redis/redis-cache.js';
import { createRedisClient } from '../../src/adapters/redis/redis-client.js';
import { cached } from '../../src/application/shared/cached.js';
import { testRedisUrl, uniqueTag } from '../support/env.js';
import { deleteByPrefix, elapseByPrefix, readyClient } from '../support/redis.js';
import { fakeClock } from '../support/clock.js';
import { cacheContract } from './cache.contract.js';

cacheContract('memoryCache', () => {
  const clock = fakeClock();
  return Promise.resolve({
    cache: memoryCache({ maxEntries: 100, clock }),
    elapse: (ms) => Promise.resolve(clock.advance(ms)),
    cleanup: () => Promise.resolve(),
  });
});

describe('memoryCache', () => {
  it('evicts the least recently used entry once over maxEntries', async () => {
    const cache = memoryCache({ maxEntries: 2 });
    await cache.set('a', 1, 60);
    await cache.set('b', 2, 60);
    await cache.get('a');
    await cache.set('c', 3, 60);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('c')).toBe(3);
  });
});

if (testRedisUrl) {
  const url = testRedisUrl;

  cacheContract('redisCache', async () => {
    const prefix = `test:cache:${uniqueTag()}:`;
    const client = await readyClient(url);
    return {
      cache: redisCache(client, { prefix, timeoutMs: 2_000 }),
      elapse: (ms) => elapseByPrefix(client, prefix, ms),
      cleanup: async () => {
        await deleteByPrefix(client, prefix);
        await client.quit();
      },
    };
  });

  describe('redisCache while Redis is unreachable', () => {
    const down = () => redisCache(createRedisClient('redis://127.0.0.1:1'), { prefix: 'down:' });

    it('answers get with a miss, reports ping failed and opens its circuit', async () => {
      const cache = down();
      expect(await cache.get('any')).toBeUndefined();
      await expect(cache.ping()).rejects.toThrow();
      expect(cache.circuit()).toMatchObject({ open: true, trips: 1 });
      await cache.close();
    });

    it('lets cached() still return the loaded value', async () => {
      const cache = down();
      expect(await cached(cache, 'any', 60, () => Promise.resolve({ loaded: true }))).toEqual({
        loaded: true,
      });
      await cache.close();
    });
  });
}
