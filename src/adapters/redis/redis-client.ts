// The one ioredis client factory: fails fast while Redis is down, reconnects when it is back.
import { Redis } from 'ioredis';

export interface RedisClientOptions {
  /**
   * A backstop: how long ioredis keeps a command unanswered before rejecting it (1 s unless told).
   * The cache and the rate limiters do not wait that long: each call has its own deadline of tens
   * of milliseconds (`withinDeadline`), after which their circuit breakers leave Redis alone.
   */
  readonly commandTimeoutMs?: number;
}

/**
 * The cache and the rate limiters tolerate a rejected command (see `redisCache` and
 * `redisRateLimiter`), but not one that waits: so no offline queue and one retry. Reconnection
 * keeps going in the background, backing off to at most 2 s.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1000,
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

/**
 * A client for SUBSCRIBE: unlike the command client it queues its subscriptions until connected
 * and subscribes again after every reconnection (ioredis' autoResubscribe).
 */
export function createRedisSubscriber(url: string): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    autoResubscribe: true,
  });
  client.on('error', () => undefined);
  return client;
}
