// Port decorators that count what passes through a port for the metrics, leaving the adapter
// behind it and the use cases in front of it unchanged (composed in bootstrap/compose.ts).
import type { Mailer } from '../../application/identity/ports.js';
import type { Cache, RateLimiter } from '../../application/shared/ports.js';
import type { Metrics } from './metrics.js';

/**
 * The cache a key belongs to, for a label of few values: the key's first segment
 * (`session:<id>` → session), or the one after the organization (`org:<id>:grant:…` → grant).
 */
export function cacheNameOf(key: string): string {
  const parts = key.split(':');
  return parts[0] === 'org' && parts.length >= 3 ? parts[2]! : (parts[0] ?? '');
}

/** Counts each read as a hit or a miss (the store's own failures are counted by the adapter). */
export function observedCache<C extends Cache>(
  cache: C,
  metrics: Pick<Metrics, 'observeCacheRead'>,
): C {
  return Object.assign(Object.create(cache) as C, {
    async get<T>(key: string): Promise<T | undefined> {
      const value = await cache.get<T>(key);
      metrics.observeCacheRead(cacheNameOf(key), value === undefined ? 'miss' : 'hit');
      return value;
    },
  });
}

/** Counts each email as sent or failed; the failure still reaches the caller. */
export function observedMailer(mailer: Mailer, metrics: Pick<Metrics, 'observeMail'>): Mailer {
  return {
    async send(message) {
      try {
        await mailer.send(message);
      } catch (error) {
        metrics.observeMail('failed');
        throw error;
      }
      metrics.observeMail('sent');
    },
    verify: () => mailer.verify(),
    close: () => mailer.close(),
  };
}

/** Counts each hit the limiter refuses, under `name` (its key prefix). */
export function observedRateLimiter(
  limiter: RateLimiter,
  name: string,
  metrics: Pick<Metrics, 'observeRateLimitRefused'>,
): RateLimiter {
  return {
    points: limiter.points,
    async consume(key) {
      const decision = await limiter.consume(key);
      if (!decision.allowed) metrics.observeRateLimitRefused(name);
      return decision;
    },
    peek: (key) => limiter.peek(key),
    reset: (key) => limiter.reset(key),
    refund: (key) => limiter.refund(key),
  };
}
