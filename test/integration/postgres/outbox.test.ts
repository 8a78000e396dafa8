// The dispatcher's reading of the events table (src/adapters/postgres/outbox.ts), on PostgreSQL
// and PGlite: a new consumer starts at the head, the worker's own ones (made with the schema)
// where the log starts; batches come in the readers' order across organizations; the cursor
// moves only past what was delivered (a delivery that fails is handed on again: at least once);
// retention deletes only what every consumer is past. On PostgreSQL: one dispatcher at a time per
// consumer, and no event skipped when transactions commit out of order.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresOutbox } from '../../../src/adapters/postgres/outbox.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import { BUS_CONSUMER } from '../../../src/application/events/dispatch-events.js';
import type { Outbox } from '../../../src/application/events/outbox.js';
import type { PositionedEvent } from '../../../src/application/events/ports.js';
import { isBefore } from '../../../src/application/events/ports.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import { NOTIFICATIONS_CONSUMER } from '../../../src/application/notifications/notify.js';
import { WEBHOOKS_CONSUMER } from '../../../src/application/webhooks/deliver-webhooks.js';
import type { DomainEvent } from '../../../src/domain/events/event.js';
import { deferred, eventually } from '../../support/async.js';
import { anEvent } from '../../support/builders/events.js';
import { repositoryBuilders } from '../../support/builders/repositories.js';
import { APP_ROLE, createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl } from '../../support/env.js';
import { countedPipeline } from '../../support/round-trips.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const newId = () => uuidV7Ids.next();

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

/** A consumer of its own per test: the tests of this file share one database. */
const aConsumer = () => `test-${newId()}`;

/** Dispatches until `count` events were delivered (a reader sees an event a moment after commit). */
async function drain(consumer: string, count: number, limit = 100): Promise<PositionedEvent[]> {
  const delivered: PositionedEvent[] = [];
  await eventually(async () => {
    await outbox.dispatch(consumer, limit, async (events) => {
      delivered.push(...events);
    });
    return delivered.length >= count;
  }, 30_000);
  return delivered;
}

/** Runs `work` on a database of its own (an organization made), dropped afterwards. */
async function inOwnDatabase(
  work: (own: { ownUow: UnitOfWork; ownOutbox: Outbox; org: string }) => Promise<void>,
): Promise<void> {
  const own = await createTestDatabase();
  try {
    const ownUow = postgresUnitOfWork(own.handle.db);
    const ownOutbox = postgresOutbox(own.handle.db, own.handle.pipelined);
    const org = await repositoryBuilders(() => ownUow, NOW).anOrganization();
    await work({ ownUow, ownOutbox, org });
  } finally {
    await own.close();
  }
}

describe('the outbox', () => {
  it('starts a new consumer after the events already written, and hands on the later ones in order', async () => {
    const org = await anOrganization();
    const other = await anOrganization();
    await append(org, [anEvent(org)]);
    const consumer = aConsumer();
    await eventually(async () => (await outbox.backlog(consumer)).depth === 0, 30_000);
    const later = [anEvent(org), anEvent(other), anEvent(org)];
    await append(org, [later[0]!]);
    await append(other, [later[1]!]);
    await append(org, [later[2]!]);
    const delivered = await drain(consumer, 3);
    expect(delivered.map((d) => d.event)).toEqual(later);
    for (let i = 1; i < delivered.length; i += 1) {
      expect(isBefore(delivered[i - 1]!.position, delivered[i]!.position)).toBe(true);
    }
    // Delivered once: the cursor moved past them.
    expect(await drain(consumer, 0)).toEqual([]);
    expect(await outbox.backlog(consumer)).toEqual({ depth: 0, oldest: null });
  });

  it("gives the worker's consumers their cursors with the schema: what was written before their first batch is handed on", async () => {
    // A database of its own, whose events no dispatcher has read yet (the worker not started).
    await inOwnDatabase(async ({ ownUow, ownOutbox, org }) => {
      const written = [anEvent(org), anEvent(org)];
      await ownUow.run(
        async (tx) => {
          for (const event of written) await tx.events.append(event);
        },
        { organizationId: org },
      );
      for (const consumer of [BUS_CONSUMER, NOTIFICATIONS_CONSUMER, WEBHOOKS_CONSUMER]) {
        const delivered: string[] = [];
        await eventually(async () => {
          await ownOutbox.dispatch(consumer, 100, async (events) => {
            delivered.push(...events.map((e) => e.event.id));
          });
          return written.every((e) => delivered.includes(e.id));
        }, 30_000);
        expect(delivered.filter((id) => written.some((e) => e.id === id))).toEqual(
          written.map((e) => e.id),
        );
      }
    });
  });

  it('hands a batch on again when its delivery failed, and in batches of at most the limit', async () => {
    const org = await anOrganization();
    const consumer = aConsumer();
    await outbox.backlog(consumer); // starts the cursor here
    const written = [anEvent(org), anEvent(org), anEvent(org)];
    await append(org, written);
    await eventually(async () => (await outbox.backlog(consumer)).depth === 3, 30_000);
    expect(await outbox.backlog(consumer)).toEqual({ depth: 3, oldest: NOW });
    // A batch is empty until the readers' horizon passes the events (a transaction in flight
    // elsewhere may hold it a moment): the delivery fails on the first batch that has them.
    let attempted = false;
    await eventually(async () => {
      const failing = () => {
        attempted = true;
        return Promise.reject(new Error('the bus is down'));
      };
      await outbox.dispatch(consumer, 2, failing).then(
        (handed) => expect(handed).toBe(0),
        (error: unknown) => expect(String(error)).toContain('the bus is down'),
      );
      return attempted;
    }, 30_000);
    const batches: string[][] = [];
    await eventually(async () => {
      await outbox.dispatch(consumer, 2, async (events) => {
        batches.push(events.map((e) => e.event.id));
      });
      return batches.flat().length >= 3;
    }, 30_000);
    expect(batches).toEqual([[written[0]!.id, written[1]!.id], [written[2]!.id]]);
  });

  it('purges events past retention only once every consumer is past them', async () => {
    // A database of its own: every consumer of a database holds its events back.
    await inOwnDatabase(async ({ ownUow, ownOutbox, org }) => {
      const ahead = aConsumer();
      const behind = aConsumer();
      await ownOutbox.backlog(ahead);
      await ownOutbox.backlog(behind);
      const old = new Date('2026-01-01T00:00:00.000Z');
      const recent = anEvent(org, { occurredAt: NOW });
      await ownUow.run(
        async (tx) => {
          await tx.events.append(anEvent(org, { occurredAt: old }));
          await tx.events.append(anEvent(org, { occurredAt: old }));
          await tx.events.append(recent);
        },
        { organizationId: org },
      );
      const deliverAll = async (consumer: string) =>
        eventually(async () => {
          await ownOutbox.dispatch(consumer, 100, () => Promise.resolve());
          return (await ownOutbox.backlog(consumer)).depth === 0;
        }, 30_000);
      await eventually(async () => (await ownOutbox.backlog(ahead)).depth === 3, 30_000);
      await deliverAll(ahead);
      // The worker's consumers, whose cursors come with the schema, are past them too.
      for (const consumer of [BUS_CONSUMER, NOTIFICATIONS_CONSUMER, WEBHOOKS_CONSUMER]) {
        await deliverAll(consumer);
      }
      const cutoff = new Date('2026-02-01T00:00:00.000Z');
      // `behind` has not had them: nothing goes.
      expect(await ownOutbox.purge(cutoff, 100)).toBe(0);
      await deliverAll(behind);
      expect(await ownOutbox.purge(cutoff, 1)).toBe(1);
      expect(await ownOutbox.purge(cutoff, 100)).toBe(1);
      const kept = await ownUow.read(
        (tx) => tx.events.list(org, { types: ['task.created'], tasks: 'all' }, { limit: 10 }),
        { organizationId: org },
      );
      expect(kept.map((e) => e.id)).toEqual([recent.id]);
    });
  });
});

describe("the outbox's transactions, which declare that they append no event", () => {
  it('refuse an event appended by a consumer, and hand its batch on again', async () => {
    const org = await anOrganization();
    const consumer = aConsumer();
    await outbox.backlog(consumer);
    const written = anEvent(org);
    await append(org, [written]);
    // Until the readers' horizon passes the event (a transaction in flight elsewhere may hold it
    // a moment), a batch is empty; the first that holds it is refused, never handed on.
    let refused: unknown;
    await eventually(async () => {
      const outcome = await outbox
        .dispatch(consumer, 10, (_events, tx) => tx.events.append(anEvent(org)))
        .then(
          (handed) => ({ handed }),
          (error: unknown) => ({ error }),
        );
      if ('error' in outcome) refused = outcome.error;
      else expect(outcome.handed).toBe(0);
      return 'error' in outcome;
    }, 30_000);
    expect(String(refused)).toContain('declared it writes no events');
    const again = await drain(consumer, 1);
    expect(again.map((d) => d.event.id)).toEqual([written.id]);
  });

  it("refuse a declaration made after the transaction's first write", async () => {
    const consumer = aConsumer();
    await expect(
      database.handle.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO event_dispatch (consumer, tx_id, seq) VALUES (${consumer}, '0', 0)`.execute(
          trx,
        );
        await sql`SELECT declare_no_events()`.execute(trx);
      }),
    ).rejects.toThrow("must come before the transaction's first write");
  });
});

describe.skipIf(!testDatabaseUrl)('the outbox on PostgreSQL, pipelined', () => {
  it("takes two round trips for a batch: BEGIN and the declaration with the cursor's lock and the events after it, the cursor's move with the COMMIT", async () => {
    const counted = countedPipeline(database.url!, { role: APP_ROLE });
    try {
      const counting = postgresOutbox(database.handle.db, counted.connect);
      const org = await anOrganization();
      const consumer = aConsumer();
      await counting.backlog(consumer);
      const written = [anEvent(org), anEvent(org)];
      await append(org, written);
      const delivered: string[] = [];
      let trips = 0;
      await eventually(async () => {
        counted.reset();
        const handed = await counting.dispatch(consumer, 10, async (events) => {
          delivered.push(...events.map((e) => e.event.id));
        });
        trips = counted.trips();
        // A batch the readers' horizon did not reach yet is empty: the lock and read, COMMIT.
        expect(trips).toBe(2);
        return handed === written.length;
      }, 30_000);
      expect(delivered).toEqual(written.map((e) => e.id));
      expect(trips).toBe(2);
      // Moved in that COMMIT's trip: nothing comes again.
      expect(await counting.dispatch(consumer, 10, () => Promise.resolve())).toBe(0);
    } finally {
      await counted.end();
    }
  });
});

describe.skipIf(!testDatabaseUrl)('the outbox on PostgreSQL, under concurrency', () => {
  it('lets one dispatcher at a time hold a consumer: a second one is told busy', async () => {
    const org = await anOrganization();
    const consumer = aConsumer();
    await outbox.backlog(consumer);
    await append(org, [anEvent(org)]);
    const holding = deferred();
    const release = deferred();
    let first: Promise<number | 'busy'> | undefined;
    await eventually(async () => {
      first = outbox.dispatch(consumer, 10, async () => {
        holding.resolve();
        await release.promise;
      });
      const got = await Promise.race([first, holding.promise.then(() => 'holding' as const)]);
      return got === 'holding';
    }, 30_000);
    expect(await outbox.dispatch(consumer, 10, () => Promise.resolve())).toBe('busy');
    release.resolve();
    expect(await first).toBe(1);
  });

  it('never skips an event whose transaction started first and committed last', async () => {
    const org = await anOrganization();
    const consumer = aConsumer();
    await outbox.backlog(consumer);
    const first = anEvent(org);
    const second = anEvent(org);
    const written = deferred();
    const release = deferred();
    const a = uow.run(
      async (tx) => {
        await tx.events.append(first);
        await tx.events.positionOf(org, first.id);
        written.resolve();
        await release.promise;
      },
      { organizationId: org },
    );
    await written.promise;
    await append(org, [second]);
    // B committed, A is open: nothing is handed on (B waits behind A).
    const early: PositionedEvent[] = [];
    await outbox.dispatch(consumer, 10, async (events) => {
      early.push(...events);
    });
    expect(early).toEqual([]);
    release.resolve();
    await a;
    expect((await drain(consumer, 2)).map((d) => d.event.id)).toEqual([first.id, second.id]);
  });

  it("is not held back by another consumer's batch, which holds a transaction id meanwhile", async () => {
    const org = await anOrganization();
    const slow = aConsumer();
    const reader = aConsumer();
    await outbox.backlog(slow);
    await outbox.backlog(reader);
    const first = anEvent(org);
    await append(org, [first]);
    const holding = deferred();
    const release = deferred();
    let slowBatch: Promise<number | 'busy'> | undefined;
    await eventually(async () => {
      slowBatch = outbox.dispatch(slow, 10, async () => {
        holding.resolve();
        await release.promise;
      });
      const got = await Promise.race([slowBatch, holding.promise.then(() => 'holding' as const)]);
      return got === 'holding';
    }, 30_000);
    try {
      // The slow batch's transaction holds an id (its cursor's row lock) older than what follows.
      expect(await transactionIdsHeld()).toBeGreaterThan(0);
      const second = anEvent(org);
      await append(org, [second]);
      const read = await drain(reader, 2);
      expect(read.map((d) => d.event.id)).toEqual([first.id, second.id]);
    } finally {
      release.resolve();
      await slowBatch;
    }
  });

  it('still waits for a transaction that declared nothing, while a declared one waits on its lock', async () => {
    const org = await anOrganization();
    const reader = aConsumer();
    const locked = aConsumer();
    await outbox.backlog(reader);
    await outbox.backlog(locked);
    const { db } = database.handle;
    const holding = deferred();
    const release = deferred();
    // An undeclared transaction with an id: it holds a row that a declared one then waits for.
    const holder = db.transaction().execute(async (trx) => {
      await sql`SELECT 1 FROM event_dispatch WHERE consumer = ${locked} FOR UPDATE`.execute(trx);
      holding.resolve();
      await release.promise;
    });
    await holding.promise;
    const waiter = db.transaction().execute(async (trx) => {
      await sql`SELECT declare_no_events()`.execute(trx);
      await sql`SELECT 1 FROM event_dispatch WHERE consumer = ${locked} FOR UPDATE`.execute(trx);
    });
    try {
      await eventually(async () => (await lockWaits()) > 0, 30_000);
      const event = anEvent(org);
      await append(org, [event]);
      const early: PositionedEvent[] = [];
      await outbox.dispatch(reader, 10, async (events) => {
        early.push(...events);
      });
      expect(early).toEqual([]);
    } finally {
      release.resolve();
      await holder;
      await waiter;
    }
    expect((await drain(reader, 1)).length).toBe(1);
  });

  it('names the declared transactions up front, and a reader leaves out the ids it was given', async () => {
    const org = await anOrganization();
    const { db } = database.handle;
    const holding = deferred();
    const release = deferred();
    let declaredId = '';
    const declared = db.transaction().execute(async (trx) => {
      await sql`SELECT declare_no_events()`.execute(trx);
      const { rows } = await sql<{ id: string }>`
        SELECT xid(pg_current_xact_id())::text AS id
      `.execute(trx);
      declaredId = rows[0]!.id;
      holding.resolve();
      await release.promise;
    });
    await holding.promise;
    let undeclaredId = '';
    const undeclaredHolding = deferred();
    const undeclared = db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ id: string }>`
        SELECT xid(pg_current_xact_id())::text AS id
      `.execute(trx);
      undeclaredId = rows[0]!.id;
      undeclaredHolding.resolve();
      await release.promise;
    });
    try {
      await undeclaredHolding.promise;
      const { rows: named } = await sql<{ ids: string[] }>`
        SELECT event_horizon_exclusions()::text[] AS ids
      `.execute(db);
      expect(named[0]!.ids).toContain(declaredId);
      expect(named[0]!.ids).not.toContain(undeclaredId);
      // An event after both: the undeclared one holds it back, unless the reader was told to
      // leave that id out (as it would be, had it been read as declared before the snapshot).
      const event = anEvent(org);
      await append(org, [event]);
      const position = await uow.read((tx) => tx.events.positionOf(org, event.id), {
        organizationId: org,
      });
      const visible = async (horizon: string) => {
        const { rows } = await sql<{ below: boolean }>`
          SELECT ${position!.txId}::xid8 < (${sql.raw(horizon)}) AS below
        `.execute(db);
        return rows[0]?.below;
      };
      expect(await visible('SELECT event_horizon()')).toBe(false);
      expect(await visible(`SELECT event_horizon_except('{${undeclaredId}}')`)).toBe(true);
    } finally {
      release.resolve();
      await declared;
      await undeclared;
    }
  });

  it('is not held back by a transaction still running in another database', async () => {
    const elsewhere = await createTestDatabase();
    const org = await anOrganization();
    const consumer = aConsumer();
    await outbox.backlog(consumer);
    const holding = deferred();
    const release = deferred();
    const otherUow = postgresUnitOfWork(elsewhere.handle.db);
    const otherOrg = await repositoryBuilders(() => otherUow, NOW).anOrganization();
    // A write in the other database that stays open (it holds a transaction id, older than ours).
    const long = otherUow.run(
      async (tx) => {
        await tx.events.append(anEvent(otherOrg));
        await tx.events.positionOf(otherOrg, newId());
        holding.resolve();
        await release.promise;
      },
      { organizationId: otherOrg },
    );
    try {
      await holding.promise;
      const event = anEvent(org);
      await append(org, [event]);
      expect((await drain(consumer, 1)).map((d) => d.event.id)).toEqual([event.id]);
    } finally {
      release.resolve();
      await long;
      await elsewhere.close();
    }
  });
});

/** How many transactions of this database hold an id (as pg_stat_activity shows them). */
async function transactionIdsHeld(): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND backend_xid IS NOT NULL
  `.execute(database.handle.db);
  return rows[0]!.n;
}

/** How many of this database's sessions wait for another transaction's lock. */
async function lockWaits(): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid)
    WHERE NOT l.granted AND l.locktype = 'transactionid' AND a.datname = current_database()
  `.execute(database.handle.db);
  return rows[0]!.n;
}
