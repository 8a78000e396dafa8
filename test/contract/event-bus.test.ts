// Runs the EventBus contract on the in-process bus always, and on Redis pub/sub (two buses on
// their own connections, as two processes) when a test Redis is configured.
import { memoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { createRedisSubscriber } from '../../src/adapters/redis/redis-client.js';
import { redisEventBus } from '../../src/adapters/redis/redis-event-bus.js';
import { eventually } from '../support/async.js';
import { testRedisUrl, uniqueTag } from '../support/env.js';
import { readyClient } from '../support/redis.js';
import { eventBusContract } from './event-bus.contract.js';

eventBusContract('memoryEventBus', () => {
  const bus = memoryEventBus();
  return Promise.resolve({
    publisher: bus,
    other: bus,
    ready: () => Promise.resolve(),
    cleanup: () => bus.close(),
  });
});

if (testRedisUrl) {
  const url = testRedisUrl;
  eventBusContract('redisEventBus', async () => {
    const prefix = `test:bus:${uniqueTag()}:`;
    const options = { prefix, publishTimeoutMs: 2_000 };
    const publishers = [await readyClient(url), await readyClient(url)];
    const subscribers = [createRedisSubscriber(url), createRedisSubscriber(url)];
    const publisher = redisEventBus(publishers[0]!, subscribers[0]!, options);
    const other = redisEventBus(publishers[1]!, subscribers[1]!, options);
    return {
      publisher,
      other,
      // Both subscribed: Redis counts two subscribers on the events channel.
      ready: () =>
        eventually(async () => {
          const reply = await publishers[0]!.pubsub('NUMSUB', `${prefix}events`);
          return Number((reply as [string, number])[1]) === 2;
        }, 10_000),
      cleanup: async () => {
        await publisher.close();
        await other.close();
        for (const client of publishers) await client.quit();
      },
    };
  });
}
