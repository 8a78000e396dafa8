// The one ioredis client factory: fails fast while Redis is down or stalled, reconnects when it is back.
import { Redis } from 'ioredis';

export interface RedisClientOptions {
  /**
   * How long a command may go unanswered before it is rejected. Redis answers in well under a
   * millisecond; a cache that has not answered in tens of milliseconds is skipped, not waited on
   * (the callers' circuit breakers then leave it alone: see redisCache).
   */
  readonly commandTimeoutMs?: number;
}

/**
 * The cache and the rate limiters tolerate a rejected command (see `redisCache` and
 * `redisRateLimiter`), but not one that waits: so no offline queue, one retry, and a short command
 * timeout (50 ms unless told). Reconnection keeps going in the background, backing off to at most 2 s.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 50,
    connectTimeout: 2000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    // Commands issued in the same event-loop tick (concurrent requests' cache reads) leave in
    // one write: fewer system calls under load, no change for a lone request.
    enableAutoPipelining: true,
  });
  // Without a listener, ioredis' 'error' events would crash the process; the health check
  // (Cache.ping) is where an outage is reported.
  client.on('error', () => undefined);
  return client;
}
