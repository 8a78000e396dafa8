// A Cache in Redis: JSON values under `prefix`, expiring by SET … EX.
import type { Redis } from 'ioredis';
import type { Cache } from '../../application/shared/ports.js';

/** `client` comes from `createRedisClient`; `close()` quits it. */
export function redisCache(client: Redis, options: { prefix?: string }): Cache {
  const prefix = options.prefix ?? '';

  return {
    async get<T>(key: string): Promise<T | undefined> {
      const json = await client.get(prefix + key);
      return json === null ? undefined : (JSON.parse(json) as T);
    },

    async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
      // JSON.stringify(undefined) is undefined: there is nothing to store, as in memoryCache.
      const json = JSON.stringify(value) as string | undefined;
      if (json === undefined) {
        await client.del(prefix + key);
        return;
      }
      // EX takes whole seconds, and 0 is an error.
      await client.set(prefix + key, json, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
    },

    async delete(...keys: string[]): Promise<void> {
      if (keys.length === 0) return;
      await client.del(...keys.map((key) => prefix + key));
    },

    async ping(): Promise<void> {
      await client.ping();
    },

    async close(): Promise<void> {
      // QUIT needs a live connection; while Redis is down, just drop the socket.
      await client.quit().catch(() => client.disconnect());
    },
  };
}
