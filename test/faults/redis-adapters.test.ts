// The Redis adapters against a Redis of this file's own that it freezes (SIGSTOP) and whose
// connections it resets: a stalled Redis is skipped, not waited on, and a delete or a write Redis
// did not acknowledge is never served afterwards. Runs in every mode (it brings its own Redis).
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisCache, type RedisCache } from '../../src/adapters/redis/redis-cache.js';
import { createRedisClient } from '../../src/adapters/redis/redis-client.js';
import { redisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.js';
import { cached } from '../../src/application/shared/cached.js';
import { eventually, waitFor } from '../support/async.js';
import { uniqueTag } from '../support/env.js';
import { startOwnRedis, type OwnRedis } from '../support/own-redis.js';

let own: OwnRedis;
const clients: Redis[] = [];

beforeAll(async () => {
  own = await startOwnRedis();
});
afterEach(() => {
  own.thaw();
  own.reconnect();
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await own.stop();
});

/** A client as the app makes one. */
async function aClient(url = own.url): Promise<Redis> {
  const client = createRedisClient(url);
  clients.push(client);
  await waitFor(() => client.status === 'ready');
  return client;
}

/** `timeoutMs`: the cache's deadline per call, unset its default (50 ms). */
async function aCache({
  prefix = `faults:${uniqueTag()}:`,
  timeoutMs,
}: { prefix?: string; timeoutMs?: number } = {}): Promise<RedisCache> {
  return redisCache(await aClient(), {
    prefix,
    cooldownMs: 50,
    ...(timeoutMs !== undefined && { timeoutMs }),
  });
}

/**
 * Two processes sharing one Redis (the same prefix, clients of their own): the first through the
 * relay, the second straight to Redis, so it never sees the relay's outages.
 */
async function twoProcesses() {
  const prefix = `faults:${uniqueTag()}:`;
  const firstClient = await aClient();
  const first = redisCache(firstClient, { prefix, cooldownMs: 50 });
  const second = redisCache(await aClient(own.directUrl), { prefix, cooldownMs: 50 });
  /**
   * Cuts the first one's connection and waits until its client knows: a command written before
   * would be resent by ioredis once reconnected (and so be applied late, not lost).
   */
  const cutFirst = async () => {
    own.cutConnections();
    await waitFor(() => firstClient.status !== 'ready');
  };
  return { prefix, first, second, cutFirst };
}

const closed = (cache: { circuit(): { open: boolean } }) => () => !cache.circuit().open;

describe('a frozen Redis (SIGSTOP)', () => {
  it('costs only the calls already in flight: then every read is a miss without asking Redis', async () => {
    const cache = await aCache();
    await cache.set('k', 'kept', 60);
    expect(await cache.get('k')).toBe('kept');

    own.freeze();
    const inFlight = await Promise.all(Array.from({ length: 10 }, () => cache.get('k')));
    expect(inFlight).toEqual(Array.from({ length: 10 }, () => undefined));
    const state = cache.circuit();
    expect(state).toMatchObject({ open: true, trips: 1 });
    expect(state.failures).toBeLessThanOrEqual(10);

    for (let i = 0; i < 100; i++) expect(await cache.get('k')).toBeUndefined();
    await cache.delete('k');
    await cache.set('k', 'skipped', 60);
    // None of these waited on Redis: not one more failure.
    expect(cache.circuit().failures).toBe(state.failures);
    await expect(cache.ping()).rejects.toThrow(/circuit open/);

    own.thaw();
    await waitFor(closed(cache));
    // The delete skipped while open made the probe bump the epoch: the old entry is never served.
    expect(await cache.get('k')).toBeUndefined();
    await cache.ping();
  });

  it('loses nothing it need not: after a stall with reads only, entries are served again', async () => {
    // A deadline of a second, not the default 50 ms: the read after the thaw asks a Redis just
    // woken on a loaded machine, and a timeout there would be a miss (CI caught it once).
    const cache = await aCache({ timeoutMs: 1_000 });
    await cache.set('k', 'kept', 60);
    own.freeze();
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.circuit().open).toBe(true);
    own.thaw();
    await waitFor(closed(cache));
    expect(await cache.get('k')).toBe('kept');
  });

  it('never serves a write that timed out and landed after Redis woke up', async () => {
    const prefix = `faults:${uniqueTag()}:`;
    const cache = await aCache({ prefix });
    await cache.set('k', 'before', 60);
    own.freeze();
    await cache.set('k', 'written during the stall', 60);
    expect(cache.circuit().open).toBe(true);
    own.thaw();
    await waitFor(closed(cache));
    // It lands (Redis runs it once awake; the admin connection's read may be served first),
    // stamped with an epoch the probe has bumped past.
    await eventually(
      async () =>
        (await own.admin.get(`${prefix}k`))?.includes('written during the stall') ?? false,
      30_000,
    );
    expect(await cache.get('k')).toBeUndefined();
  });

  it('sends the login throttle to its in-process counter after one timeout', async () => {
    const limiter = redisRateLimiter(await aClient(), {
      keyPrefix: `faults:rl:${uniqueTag()}`,
      points: 3,
      durationSeconds: 60,
      cooldownMs: 50,
    });
    expect((await limiter.consume('ip')).allowed).toBe(true);

    own.freeze();
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push((await limiter.consume('ip')).allowed);
    // Counted in memory from the first timeout on: 3 points, then refusals.
    expect(decisions).toEqual([true, true, true, false, false]);
    expect(limiter.circuit()).toMatchObject({ open: true, failures: 1, trips: 1 });

    own.thaw();
    await waitFor(closed(limiter));
    // Back on Redis, which counted the hit before the stall and, once awake, the one that timed out.
    expect(await limiter.peek('ip')).toMatchObject({ remaining: 1 });
  });
});

describe('a busy process (the event loop blocked past the deadline)', () => {
  it('takes the answer that arrived meanwhile, not a timeout', async () => {
    // Straight to Redis: the relay lives in this process, which is about to be busy.
    const cache = redisCache(await aClient(own.directUrl), {
      prefix: `faults:${uniqueTag()}:`,
      timeoutMs: 5,
    });
    await cache.set('k', 'answered', 60);
    const read = cache.get('k');
    await new Promise((resolve) => setImmediate(resolve)); // the command is on the wire
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // busy, as in a long synchronous task or a GC pause, while Redis answers
    }
    expect(await read).toBe('answered');
    expect(cache.circuit()).toMatchObject({ open: false, failures: 0 });
  });
});

describe('connections reset while Redis keeps its data', () => {
  it('never serves again what a delete lost in the outage was for, in this process or another', async () => {
    const { prefix, first, second, cutFirst } = await twoProcesses();
    await first.set('session:s', true, 60);
    expect(await second.get('session:s')).toBe(true);

    await cutFirst();
    await first.delete('session:s'); // the logout committed; its delete cannot reach Redis
    expect(first.circuit().open).toBe(true);
    expect(await first.get('session:s')).toBeUndefined();
    // The window that remains: a process whose own connection works serves the stale entry
    // until the first one reaches Redis again and bumps the epoch.
    expect(await second.get('session:s')).toBe(true);

    own.reconnect();
    await waitFor(closed(first));
    expect(await own.admin.get(`${prefix}session:s`)).not.toBeNull(); // still there…
    expect(await first.get('session:s')).toBeUndefined(); // …and served by nobody
    expect(await second.get('session:s')).toBeUndefined();
  });

  it('does not write back a value loaded before an invalidation another process lost', async () => {
    const { first, second, cutFirst } = await twoProcesses();
    const stale = await cached(second, 'grant', 60, async () => {
      // While the second process loads, the first commits a change and cannot delete the entry.
      await cutFirst();
      await first.delete('grant');
      own.reconnect();
      await waitFor(closed(first));
      return 'loaded before the change';
    });
    expect(stale).toBe('loaded before the change');
    expect(await second.get('grant')).toBeUndefined();
    expect(await first.get('grant')).toBeUndefined();
  });

  it('stays bypassed through the whole outage, probing, and bumps the epoch once it is over', async () => {
    const cache = await aCache();
    await cache.set('k', 'old', 60);
    own.cutConnections();
    await cache.delete('k');
    await waitFor(() => cache.circuit().failedProbes >= 3);
    expect(cache.circuit()).toMatchObject({ open: true, trips: 1 });
    expect(await cache.get('k')).toBeUndefined();

    own.reconnect();
    await waitFor(closed(cache));
    expect(cache.circuit().trips).toBe(1);
    expect(await cache.get('k')).toBeUndefined();
  });
});
