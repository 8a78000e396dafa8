// A Cache in Redis that never makes a request wait on a stalled Redis and never serves what a lost
// delete was meant to remove. JSON values under `prefix`, each stamped with the cache epoch.
import { randomInt } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Cache, CacheMark } from '../../application/shared/ports.js';
import { circuitBreaker, type CircuitState } from './circuit-breaker.js';
import { withinDeadline } from './deadline.js';

// An entry is `<epoch> <json>`, written with the epoch current when it is stored; a read takes the
// epoch in the same round trip and ignores an entry of another one. A missing epoch (new Redis,
// evicted key) is started at a value no earlier epoch can have had: the time in microseconds.

/** KEYS: epoch, deletes, entry. ARGV: mark ('' for none), json, ttl, fresh epoch. */
const SET_SCRIPT = `
if ARGV[1] ~= '' and (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[4]
  redis.call('SET', KEYS[1], epoch)
end
redis.call('SET', KEYS[3], epoch .. ' ' .. ARGV[2], 'EX', ARGV[3])
return 1`;

/** KEYS: deletes, then the entries. Counting deletes is what makes a marked set refuse. */
const DELETE_SCRIPT = `
redis.call('INCR', KEYS[1])
return redis.call('DEL', unpack(KEYS, 2))`;

/** KEYS: epoch, deletes. ARGV: fresh epoch. Every entry stored so far stops being served. */
const BUMP_SCRIPT = `
redis.call('INCR', KEYS[2])
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[1])
return 0`;

interface CacheScripts {
  tfCacheSet(...args: [string, string, string, string, string, number, string]): Promise<number>;
  tfCacheDelete(keyCount: number, ...keys: string[]): Promise<number>;
  tfCacheBump(epochKey: string, deletesKey: string, freshEpoch: string): Promise<number>;
}

export interface RedisCache extends Cache {
  /** The circuit breaker in front of Redis: open while the cache is bypassed. */
  circuit(): CircuitState;
}

export interface RedisCacheOptions {
  readonly prefix?: string;
  /** A call Redis has not answered within this many milliseconds fails (50 unless told). */
  readonly timeoutMs?: number;
  /** After a failed call, Redis is left alone this long, then probed in the background. */
  readonly cooldownMs?: number;
  /** Told of each call Redis failed or did not answer in time (for the metrics). */
  readonly onError?: (operation: 'get' | 'set' | 'delete' | 'ping', key: string) => void;
}

/**
 * `client` comes from `createRedisClient`; `close()` quits it.
 *
 * A call that fails or outlives `timeoutMs` opens the circuit: from then on every read is a
 * miss, every write is skipped, and a probe runs every `cooldownMs` in the background until Redis
 * answers. A delete or a write Redis did not acknowledge (failed, timed out, or a delete skipped
 * while open) may have left a stale entry behind, so the probe that closes the circuit first
 * bumps the epoch (retried until Redis acknowledges it): nothing stored before it is served
 * again, by any process.
 */
export function redisCache(client: Redis, options: RedisCacheOptions = {}): RedisCache {
  const prefix = options.prefix ?? '';
  const epochKey = `${prefix}#cache-epoch`;
  const deletesKey = `${prefix}#cache-deletes`;
  const redis = withScripts(client);
  const timeoutMs = options.timeoutMs ?? 50;
  const call = <T>(work: Promise<T>) => withinDeadline(work, timeoutMs);
  /** The count of deletes as last read: what `mark()` hands out. */
  let deletes = 'unknown';
  /** Deletes and writes Redis never acknowledged… */
  let unapplied = 0;
  /** …and how many of them the last acknowledged epoch bump covers. */
  let covered = 0;

  const breaker = circuitBreaker({
    cooldownMs: options.cooldownMs ?? 1000,
    probe: async () => {
      const covering = unapplied;
      if (covering > covered) await call(redis.tfCacheBump(epochKey, deletesKey, freshEpoch()));
      else await call(redis.ping());
      covered = covering;
    },
    isHealed: () => unapplied === covered,
  });
  const reportError = options.onError ?? (() => undefined);
  const notApplied = (error: unknown, operation: 'set' | 'delete', key: string) => {
    unapplied++;
    reportError(operation, key);
    breaker.fail(error);
  };

  return {
    async get<T>(key: string): Promise<T | undefined> {
      if (breaker.isOpen()) return undefined;
      let reply: Array<string | null>;
      try {
        reply = await call(redis.mget(epochKey, deletesKey, prefix + key));
      } catch (error) {
        reportError('get', key);
        breaker.fail(error);
        return undefined;
      }
      const [epoch = null, count = null, entry = null] = reply;
      deletes = count ?? '0';
      // Opened while this read was in flight: a delete may just have been lost.
      if (breaker.isOpen() || epoch === null || entry === null) return undefined;
      const space = entry.indexOf(' ');
      if (entry.slice(0, space) !== epoch) return undefined;
      return JSON.parse(entry.slice(space + 1)) as T;
    },

    mark: () => deletes as CacheMark,

    async set(key: string, value: unknown, ttlSeconds: number, since?: CacheMark): Promise<void> {
      if (breaker.isOpen()) return;
      // JSON.stringify(undefined) is undefined: there is nothing to store, as in memoryCache.
      const json = JSON.stringify(value) as string | undefined;
      try {
        if (json === undefined) await call(redis.del(prefix + key));
        // EX takes whole seconds, and 0 is an error.
        else {
          const ttl = Math.max(1, Math.ceil(ttlSeconds));
          await call(
            redis.tfCacheSet(
              epochKey,
              deletesKey,
              prefix + key,
              since ?? '',
              json,
              ttl,
              freshEpoch(),
            ),
          );
        }
      } catch (error) {
        // It may still land later (a timed-out write): the bump makes it unreadable.
        notApplied(error, 'set', key);
      }
    },

    async delete(...keys: string[]): Promise<void> {
      if (keys.length === 0) return;
      if (breaker.isOpen()) {
        unapplied++;
        return;
      }
      try {
        await call(
          redis.tfCacheDelete(keys.length + 1, deletesKey, ...keys.map((key) => prefix + key)),
        );
      } catch (error) {
        notApplied(error, 'delete', keys[0]!);
      }
    },

    async ping(): Promise<void> {
      const { open, reason } = breaker.state();
      if (open) throw new Error(`Redis bypassed (circuit open): ${reason ?? 'unknown'}`);
      try {
        await call(redis.ping());
      } catch (error) {
        reportError('ping', '');
        breaker.fail(error);
        throw error;
      }
    },

    circuit: () => breaker.state(),

    async close(): Promise<void> {
      breaker.stop();
      // QUIT needs a live connection; while Redis is down, just drop the socket.
      await client.quit().catch(() => client.disconnect());
    },
  };
}

function withScripts(client: Redis): Redis & CacheScripts {
  client.defineCommand('tfCacheSet', { numberOfKeys: 3, lua: SET_SCRIPT });
  client.defineCommand('tfCacheDelete', { lua: DELETE_SCRIPT });
  client.defineCommand('tfCacheBump', { numberOfKeys: 2, lua: BUMP_SCRIPT });
  return client as Redis & CacheScripts;
}

/** Microseconds since 1970 plus noise: beyond any epoch a counter started earlier has reached. */
const freshEpoch = () => String(Date.now() * 1000 + randomInt(1000));
