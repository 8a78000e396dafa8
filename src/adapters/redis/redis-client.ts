// The one ioredis client factory: fails fast while Redis is down, reconnects when it is back.
import { Redis } from 'ioredis';

/**
 * The cache and the rate limiters tolerate a rejected command (see `cached` and the insurance
 * limiter), but not one that waits: so no offline queue, one retry, and a 500 ms command
 * timeout. Reconnection keeps going in the background, backing off to at most 2 s.
 */
export function createRedisClient(url: string): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
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
