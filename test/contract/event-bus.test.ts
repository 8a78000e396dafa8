// Runs the EventBus contract on the in-process bus always, and on Redis pub/sub (two buses on
// their own connections, as two processes) when a test Redis is configured.
import { memoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { createRedisSubscriber } from '../../src/adapters/redis/redis-client.js';
import { redisEventBus } from '../../src/adapters/redis/redis-event-bus.js';
import { describe, expect, it } from 'vitest';
import { eventually, waitFor } from '../support/async.js';
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

// Not part of the contract (the in-process bus calls its listeners at once): how the Redis bus
// spares every process a message per committed write.
describe.skipIf(!testRedisUrl)('redisEventBus nudges', () => {
  /** A bus with its nudge window, and what a third connection hears on the nudge channel. */
  async function nudging(nudgeWindowMs: number, localNudges = false) {
    const url = testRedisUrl!;
    const prefix = `test:bus:${uniqueTag()}:`;
    const client = await readyClient(url);
    const bus = redisEventBus(client, createRedisSubscriber(url), {
      prefix,
      publishTimeoutMs: 2_000,
      nudgeWindowMs,
      localNudges,
    });
    const listener = createRedisSubscriber(url);
    const heard: string[] = [];
    listener.on('message', (_channel: string, message: string) => heard.push(message || 'nudge'));
    await listener.subscribe(`${prefix}events:nudge`);
    const burst = async () => {
      for (let i = 0; i < 50; i += 1) bus.nudge();
      await new Promise((resolve) => setImmediate(resolve));
    };
    const close = async () => {
      await bus.close();
      await client.quit();
      listener.disconnect();
    };
    return { bus, client, channel: `${prefix}events:nudge`, heard, burst, close };
  }

  it('sends the first nudge after a quiet spell at once, and holds the next ones for the window', async () => {
    const bus = await nudging(60_000);
    try {
      await bus.burst();
      await waitFor(() => bus.heard.length === 1, 10_000);
      await bus.burst(); // within the window: not sent at once (it would precede the marker)
      await bus.client.publish(bus.channel, 'marker');
      await waitFor(() => bus.heard.length === 2, 10_000);
      expect(bus.heard).toEqual(['nudge', 'marker']);
    } finally {
      await bus.close();
    }
  });

  it('sends the nudges held in a window once it ends', async () => {
    const bus = await nudging(50);
    try {
      await bus.burst();
      await waitFor(() => bus.heard.length === 1, 10_000);
      await bus.burst();
      await waitFor(() => bus.heard.length === 2, 10_000);
      expect(bus.heard).toEqual(['nudge', 'nudge']);
    } finally {
      await bus.close();
    }
  });

  it('keeps the nudges of a process that runs the loops itself to its own listeners', async () => {
    const bus = await nudging(0, true);
    try {
      let local = 0;
      bus.bus.onNudge(() => (local += 1));
      await bus.burst();
      expect(local).toBe(50); // each at once, in this process
      await bus.client.publish(bus.channel, 'marker');
      await waitFor(() => bus.heard.length === 1, 10_000);
      expect(bus.heard).toEqual(['marker']); // no nudge went out ahead of it
      // Another process's nudge still reaches the listeners here (once the bus has subscribed).
      await eventually(async () => {
        const reply = await bus.client.pubsub('NUMSUB', bus.channel);
        return Number((reply as [string, number])[1]) === 2;
      }, 10_000);
      await bus.client.publish(bus.channel, '');
      await waitFor(() => local === 51, 10_000);
    } finally {
      await bus.close();
    }
  });
});
