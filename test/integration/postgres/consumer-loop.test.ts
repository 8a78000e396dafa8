// A consumer's loop over the events table (src/adapters/worker/dispatch-loop.ts, consumerLoop), on
// PostgreSQL and PGlite: woken by a committed write's nudge, it hands the consumer every event in
// the readers' order behind a cursor of its own (the bus's cursor does not move it); a consumer
// that throws gets the same events again once the loop retries; stop() waits for the batch in flight.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEventBus } from '../../../src/adapters/memory/memory-event-bus.js';
import { postgresOutbox } from '../../../src/adapters/postgres/outbox.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import { consumerLoop } from '../../../src/adapters/worker/dispatch-loop.js';
import { BUS_CONSUMER, dispatchBatch } from '../../../src/application/events/dispatch-events.js';
import type { Outbox } from '../../../src/application/events/outbox.js';
import type { PositionedEvent } from '../../../src/application/events/ports.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import type { DomainEvent } from '../../../src/domain/events/event.js';
import { eventually } from '../../support/async.js';
import { anEvent } from '../../support/builders/events.js';
import { repositoryBuilders } from '../../support/builders/repositories.js';
import { fakeClock } from '../../support/clock.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

let database: TestDatabase;
let uow: UnitOfWork;
let outbox: Outbox;
const { anOrganization } = repositoryBuilders(() => uow, NOW);

beforeAll(async () => {
  database = await createTestDatabase();
  uow = postgresUnitOfWork(database.handle.db, {
    pipelined: database.handle.pipelined,
    scopedRead: database.handle.scopedRead,
  });
  outbox = postgresOutbox(database.handle.db, database.handle.pipelined);
});
afterAll(async () => {
  await database?.close();
});

const append = (organizationId: string, events: DomainEvent[]) =>
  uow.run(
    async (tx) => {
      for (const event of events) await tx.events.append(event);
    },
    { organizationId },
  );

function aLoop(handle: (events: readonly PositionedEvent[]) => Promise<void>) {
  const bus = memoryEventBus();
  const clock = fakeClock(NOW);
  const loop = consumerLoop(
    { name: `test-${uuidV7Ids.next()}`, handle },
    { outbox, bus, clock, logger: pino({ level: 'silent' }) },
    { batchSize: 2, pollMs: 60_000, nudgeDelayMs: 0 },
  );
  return { bus, clock, loop };
}

describe('a consumer loop', () => {
  it('hands the consumer every event written after it started, in order, on a nudge, whatever the bus cursor does', async () => {
    const org = await anOrganization();
    const seen: DomainEvent[] = [];
    const { bus, clock, loop } = aLoop(async (events) => {
      seen.push(...events.map((e) => e.event));
    });
    loop.start();
    await eventually(async () => loop.status().lastSuccessAt !== undefined, 30_000);
    const written = [anEvent(org), anEvent(org), anEvent(org), anEvent(org), anEvent(org)];
    await append(org, written.slice(0, 3));
    // The bus's dispatcher reading the same events moves only its own cursor.
    await eventually(
      async () =>
        (await outbox.backlog(BUS_CONSUMER)).depth === 0 ||
        (await dispatchBatch({ outbox, bus, clock }, 100)) === 'busy',
      30_000,
    );
    await append(org, written.slice(3));
    // A nudge drains in batches of two until a partial batch (the poll is a minute away).
    await eventually(async () => {
      bus.nudge();
      return seen.length >= written.length;
    }, 30_000);
    await loop.stop();
    expect(seen.map((e) => e.id)).toEqual(written.map((e) => e.id));
  });

  it('hands the same events again after the consumer threw, then moves on', async () => {
    const org = await anOrganization();
    let failures = 1;
    const attempts: string[][] = [];
    const { bus, loop } = aLoop(async (events) => {
      attempts.push(events.map((e) => e.event.id));
      if (failures-- > 0) throw new Error('receiver down');
    });
    loop.start();
    await eventually(async () => loop.status().lastSuccessAt !== undefined, 30_000);
    const written = [anEvent(org)];
    await append(org, written);
    await eventually(async () => {
      bus.nudge();
      return attempts.length >= 2 && loop.status().consecutiveFailures === 0;
    }, 30_000);
    await loop.stop();
    expect(attempts.slice(0, 2)).toEqual([[written[0]!.id], [written[0]!.id]]);
  });
});
