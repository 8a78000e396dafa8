// Each metric moves when its event happens, on the real components: the memory and Redis caches,
// the rate limiters, nodemailer against a real SMTP server, the argon2 lanes, the pg pool.
import { createServer, type AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../../src/adapters/mail/smtp-mailer.js';
import { memoryCache } from '../../../src/adapters/memory/memory-cache.js';
import { memoryRateLimiter } from '../../../src/adapters/memory/memory-rate-limiter.js';
import { openDatabase } from '../../../src/adapters/postgres/connect.js';
import { redisCache } from '../../../src/adapters/redis/redis-cache.js';
import { createRedisClient } from '../../../src/adapters/redis/redis-client.js';
import { redisRateLimiter } from '../../../src/adapters/redis/redis-rate-limiter.js';
import { argon2PasswordHasher } from '../../../src/adapters/security/argon2-password-hasher.js';
import {
  cacheNameOf,
  observedCache,
  observedMailer,
  observedRateLimiter,
} from '../../../src/adapters/telemetry/instruments.js';
import { createMetrics, type Metrics } from '../../../src/adapters/telemetry/metrics.js';
import type { Cache, RateLimiter } from '../../../src/application/shared/ports.js';
import { CHEAP_ARGON2_PARAMS } from '../../support/argon2.js';
import { eventually } from '../../support/async.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl, testRedisUrl, uniqueTag } from '../../support/env.js';
import { sampleValue } from '../../support/metrics.js';
import { deleteByPrefix, readyClient } from '../../support/redis.js';

const idle = { total: 0, idle: 0, waiting: 0 };
const metricsWith = (sources: Partial<Parameters<typeof createMetrics>[0]> = {}) =>
  createMetrics({ poolStats: () => idle, ...sources });
const scrape = async (metrics: Metrics) => (await metrics.render()).body;

describe('process metrics', () => {
  it('serves the process and Node.js defaults', async () => {
    const text = await scrape(metricsWith());
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(text).toMatch(new RegExp(`^${name} \\d`, 'm'));
    }
  });

  it('reports event-loop lag once the loop was held up', async () => {
    const metrics = metricsWith();
    await eventually(async () => {
      const until = performance.now() + 200;
      while (performance.now() < until); // holds the loop: the lag monitor's timer fires late
      await new Promise((resolve) => setImmediate(resolve));
      return sampleValue(await scrape(metrics), 'nodejs_eventloop_lag_max_seconds') >= 0.1;
    }, 10_000);
  });
});

describe('cacheNameOf', () => {
  it('names a key by its family, never by its ids', () => {
    expect(cacheNameOf('session:0190f0a0-aaaa')).toBe('session');
    expect(cacheNameOf('org:0190f0a0-aaaa:grant:0190f0a0-bbbb')).toBe('grant');
    expect(cacheNameOf('apikey:abc')).toBe('apikey');
  });
});

function cacheReadsMove(
  name: string,
  open: () => Promise<{ cache: Cache; done(): Promise<void> }>,
) {
  it(`${name}: counts a miss, then a hit, by cache`, async () => {
    const metrics = metricsWith();
    const opened = await open();
    const observed = observedCache(opened.cache, metrics);
    try {
      const key = `session:${uniqueTag()}`;
      expect(await observed.get(key)).toBeUndefined();
      await observed.set(key, { user: 1 }, 60);
      expect(await observed.get(key)).toEqual({ user: 1 });
      const text = await scrape(metrics);
      expect(sampleValue(text, 'cache_reads_total', { cache: 'session', result: 'miss' })).toBe(1);
      expect(sampleValue(text, 'cache_reads_total', { cache: 'session', result: 'hit' })).toBe(1);
      // Reads are tallied between scrapes: a second scrape adds only what came since.
      await observed.get(key);
      const again = await scrape(metrics);
      expect(sampleValue(again, 'cache_reads_total', { cache: 'session', result: 'hit' })).toBe(2);
      expect(sampleValue(again, 'cache_reads_total', { cache: 'session', result: 'miss' })).toBe(1);
    } finally {
      await opened.done();
    }
  });
}

describe('cache metrics', () => {
  cacheReadsMove('memoryCache', () => {
    const cache = memoryCache({ maxEntries: 10 });
    return Promise.resolve({ cache, done: () => cache.close() });
  });

  if (testRedisUrl) {
    const url = testRedisUrl;
    cacheReadsMove('redisCache', async () => {
      const prefix = `test:metrics:${uniqueTag()}:`;
      const client = await readyClient(url);
      const cache = redisCache(client, { prefix, timeoutMs: 2_000 });
      return {
        cache,
        async done() {
          await deleteByPrefix(client, prefix);
          await cache.close();
        },
      };
    });
  }

  it('redisCache: counts the calls an unreachable Redis failed, by cache and operation', async () => {
    const metrics = metricsWith();
    const cache = redisCache(createRedisClient('redis://127.0.0.1:1'), {
      prefix: 'down:',
      onError: (operation, key) => metrics.observeCacheError(cacheNameOf(key), operation),
    });
    try {
      expect(await cache.get('org:o1:grant:u1')).toBeUndefined();
      const text = await scrape(metrics);
      expect(sampleValue(text, 'cache_errors_total', { cache: 'grant', operation: 'get' })).toBe(1);
    } finally {
      await cache.close();
    }
  });
});

function refusalsCount(
  name: string,
  open: () => Promise<{ limiter: RateLimiter; done(): Promise<void> }>,
) {
  it(`${name}: counts each refused hit under the limiter's name`, async () => {
    const metrics = metricsWith();
    const opened = await open();
    const observed = observedRateLimiter(opened.limiter, 'login-fail-ip', metrics);
    try {
      const key = uniqueTag();
      const decisions = [];
      for (let i = 0; i < 4; i += 1) decisions.push((await observed.consume(key)).allowed);
      expect(decisions).toEqual([true, true, false, false]);
      const text = await scrape(metrics);
      expect(sampleValue(text, 'rate_limit_refusals_total', { limiter: 'login-fail-ip' })).toBe(2);
    } finally {
      await opened.done();
    }
  });
}

describe('rate-limit refusals', () => {
  const options = { points: 2, durationSeconds: 3600 };
  refusalsCount('memoryRateLimiter', () =>
    Promise.resolve({
      limiter: memoryRateLimiter({ keyPrefix: `m-${uniqueTag()}`, ...options }),
      done: () => Promise.resolve(),
    }),
  );
  if (testRedisUrl) {
    const url = testRedisUrl;
    refusalsCount('redisRateLimiter', async () => {
      const prefix = `test:metrics-rl:${uniqueTag()}:`;
      const client = await readyClient(url);
      return {
        limiter: redisRateLimiter(client, { keyPrefix: prefix, ...options, timeoutMs: 1000 }),
        async done() {
          await deleteByPrefix(client, prefix);
          await client.quit();
        },
      };
    });
  }
});

describe('mail metrics (nodemailer and a real SMTP server)', () => {
  let server: SMTPServer;
  let port: number;
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        stream.on('data', () => undefined);
        stream.on('end', () => callback());
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('counts a delivered email as sent and an undeliverable one as failed', async () => {
    const metrics = metricsWith();
    const message = { to: 'ada@example.com', subject: 'Hi', text: 'Hello' };
    const up = observedMailer(
      smtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'a@test' }),
      metrics,
    );
    const down = observedMailer(
      smtpMailer({ url: `smtp://127.0.0.1:${await closedPort()}`, from: 'a@test' }),
      metrics,
    );
    try {
      await up.send(message);
      await expect(down.send(message)).rejects.toThrow();
      const text = await scrape(metrics);
      expect(sampleValue(text, 'mail_sends_total', { outcome: 'sent' })).toBe(1);
      expect(sampleValue(text, 'mail_sends_total', { outcome: 'failed' })).toBe(1);
    } finally {
      await up.close();
      await down.close();
    }
  });
});

describe('password-hashing metrics (the argon2 lanes)', () => {
  it('counts the jobs queued behind a busy lane and observes each one’s wait', async () => {
    const waits: number[] = [];
    const hasher = argon2PasswordHasher(CHEAP_ARGON2_PARAMS, 1, {
      waited(seconds) {
        waits.push(seconds);
        metrics.observePasswordHashWait(seconds);
      },
    });
    const metrics = metricsWith({ passwordQueueDepth: () => hasher.queueDepth() });

    const jobs = ['a', 'b', 'c'].map((password) => hasher.hash(password));
    // One lane: the first runs, two wait behind it.
    expect(hasher.queueDepth()).toBe(2);
    await Promise.all(jobs);
    expect(hasher.queueDepth()).toBe(0);
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBe(0);

    const text = await scrape(metrics);
    expect(sampleValue(text, 'password_hash_wait_seconds_count')).toBe(3);
    expect(sampleValue(text, 'password_hash_queue_depth')).toBe(0);
  });
});

// PGlite has one connection and no pool to wait for.
if (testDatabaseUrl)
  describe('database pool metrics (PostgreSQL)', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(() => database.close());

    it('counts the requests waiting for a connection and observes how long each waited', async () => {
      // Read only once queries run, after both exist.
      const handle = await openDatabase(
        { kind: 'postgres', url: database.url!, poolSize: 1 },
        { onPoolWait: (seconds) => metrics.observePoolWait(seconds) },
      );
      const metrics = metricsWith({ poolStats: () => handle.poolStats() });
      try {
        let queued: Promise<unknown> | undefined;
        await handle.db.connection().execute(async (held) => {
          await sql`select 1`.execute(held);
          queued = sql`select 2`.execute(handle.db);
          await eventually(async () => handle.poolStats().waiting === 1, 5000);
          const text = await scrape(metrics);
          expect(sampleValue(text, 'db_pool_connections', { state: 'waiting' })).toBe(1);
        });
        await queued;
        const text = await scrape(metrics);
        expect(sampleValue(text, 'db_pool_wait_seconds_count')).toBe(2);
        expect(sampleValue(text, 'db_pool_wait_seconds_sum')).toBeGreaterThan(0);
        expect(sampleValue(text, 'db_pool_connections', { state: 'waiting' })).toBe(0);
      } finally {
        await handle.close();
      }
    });
  });

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
