// What every EventBus adapter promises, run once per adapter by event-bus.test.ts: a published
// batch reaches every subscriber (of every bus on the same channel: another API process), whole
// and in publication order, with the events as they were (dates as dates); nudges wake the
// listeners of every bus; signals reach the signal listeners of every bus, in order, as they were
// sent; an unsubscribed listener hears nothing more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  EventBus,
  PositionedEvent,
  RealtimeSignal,
} from '../../src/application/events/ports.js';
import { uuidV7Ids } from '../../src/adapters/system/uuid-v7-ids.js';
import { waitFor } from '../support/async.js';

export interface EventBusesUnderTest {
  /** Two buses on one channel, as two processes would hold them (the same bus in process). */
  readonly publisher: EventBus;
  readonly other: EventBus;
  /** Resolves once both buses' subscriptions are in place. */
  readonly ready: () => Promise<void>;
  readonly cleanup: () => Promise<void>;
}

const positioned = (seq: number): PositionedEvent => ({
  position: { txId: '900000000000', seq: String(seq) },
  event: {
    id: uuidV7Ids.next(),
    type: 'task.moved',
    organizationId: uuidV7Ids.next(),
    subject: { type: 'task', id: uuidV7Ids.next(), key: 'RE-7' },
    actor: { type: 'user', id: uuidV7Ids.next() },
    change: { status: { from: 'To do', to: 'Done' } },
    occurredAt: new Date('2026-03-01T12:00:00.123Z'),
    projectId: uuidV7Ids.next(),
    assigneeId: null,
    reporterId: uuidV7Ids.next(),
    requestId: 'req-1',
  },
});

export function eventBusContract(name: string, make: () => Promise<EventBusesUnderTest>): void {
  describe(`EventBus contract: ${name}`, () => {
    let buses: EventBusesUnderTest;
    beforeAll(async () => {
      buses = await make();
      await buses.ready();
    });
    afterAll(async () => {
      await buses.cleanup();
    });

    it('hands each batch whole, in publication order, to every subscriber of every bus', async () => {
      const here: PositionedEvent[][] = [];
      const there: PositionedEvent[][] = [];
      const stopHere = buses.publisher.subscribe((batch) => here.push([...batch]));
      const stopThere = buses.other.subscribe((batch) => there.push([...batch]));
      const batches = [[positioned(1), positioned(2)], [positioned(3)], [positioned(4)]];
      for (const batch of batches) await buses.publisher.publish(batch);
      await waitFor(() => here.length === 3 && there.length === 3, 10_000);
      expect(here).toEqual(batches);
      expect(there).toEqual(batches);
      expect(there[0]![0]!.event.occurredAt).toBeInstanceOf(Date);
      stopHere();
      stopThere();
    });

    it('stops calling a listener once it unsubscribed', async () => {
      const heard: PositionedEvent[][] = [];
      const marker: PositionedEvent[][] = [];
      const stop = buses.other.subscribe((batch) => heard.push([...batch]));
      stop();
      const stopMarker = buses.other.subscribe((batch) => marker.push([...batch]));
      await buses.publisher.publish([positioned(5)]);
      await waitFor(() => marker.length === 1, 10_000);
      expect(heard).toEqual([]);
      stopMarker();
    });

    it('wakes the nudge listeners of every bus', async () => {
      let here = 0;
      let there = 0;
      const stopHere = buses.publisher.onNudge(() => (here += 1));
      const stopThere = buses.other.onNudge(() => (there += 1));
      buses.publisher.nudge();
      await waitFor(() => here > 0 && there > 0, 10_000);
      stopHere();
      stopThere();
    });

    it('hands each signal, in order, to the signal listeners of every bus, and no more once unsubscribed', async () => {
      const here: RealtimeSignal[] = [];
      const there: RealtimeSignal[] = [];
      const gone: RealtimeSignal[] = [];
      const stopHere = buses.publisher.onSignal((signal) => here.push(signal));
      const stopThere = buses.other.onSignal((signal) => there.push(signal));
      buses.other.onSignal((signal) => gone.push(signal))();
      const signals: RealtimeSignal[] = [
        { type: 'sessions.ended', sessionIds: [uuidV7Ids.next(), uuidV7Ids.next()] },
        {
          type: 'user.message',
          userId: uuidV7Ids.next(),
          message: { type: 'notification', data: { title: 'Assigned', count: 2 } },
        },
      ];
      for (const signal of signals) await buses.publisher.signal(signal);
      await waitFor(() => here.length === 2 && there.length === 2, 10_000);
      expect(here).toEqual(signals);
      expect(there).toEqual(signals);
      expect(gone).toEqual([]);
      stopHere();
      stopThere();
    });

    it('says it is up while connected', () => {
      expect(buses.publisher.status()).toBe('up');
      expect(buses.other.status()).toBe('up');
    });
  });
}
