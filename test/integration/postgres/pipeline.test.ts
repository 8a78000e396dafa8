// Pipelined transactions (src/adapters/postgres/pipeline.ts): on PostgreSQL a statement sent with
// `sendAhead` inside a unit of work goes out in the round trip of the transaction's next statement
// (the COMMIT, if none), sees and is seen as if sent alone, and its failure fails the transaction.
// Outside a pipelined transaction, and on PGlite, it runs at once.
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { sendAhead, type PipelinedSession } from '../../../src/adapters/postgres/pipeline.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl } from '../../support/env.js';
import { countedPipeline, type CountedPipeline } from '../../support/round-trips.js';

type Probe = {
  pipeline_probe: { id: number; at: Date | null; doc: string | null; tags: string[] | null };
};
const probe = (db: Db) => db.withTables<Probe>();
const insert = (db: Db, id: number) => probe(db).insertInto('pipeline_probe').values({ id });

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ asOwner: true });
  await sql`create table pipeline_probe (id int primary key, at timestamptz, doc jsonb, tags text[])`.execute(
    database.handle.db,
  );
});
afterAll(async () => {
  await database?.close();
});
beforeEach(async () => {
  await sql`truncate pipeline_probe`.execute(database.handle.db);
});

const ids = async () =>
  (
    await probe(database.handle.db)
      .selectFrom('pipeline_probe')
      .select('id')
      .orderBy('id')
      .execute()
  ).map((row) => row.id);

it('runs a statement at once outside a pipelined transaction', async () => {
  await sendAhead(database.handle.db, insert(database.handle.db, 1));
  expect(await ids()).toEqual([1]);
});

if (!testDatabaseUrl) {
  it('PGlite offers no pipelined transactions', () => {
    expect(database.handle.pipelined).toBeUndefined();
  });
}
describe.skipIf(!testDatabaseUrl)('PostgreSQL only (skipped on PGlite)', () => {
  describe('a pipelined unit of work on PostgreSQL, one connection', () => {
    let counted: CountedPipeline;
    /** The session of the transaction running now (its Kysely is what repositories get). */
    let session: PipelinedSession;
    let uow: ReturnType<typeof postgresUnitOfWork>;
    const trips = () => counted.trips();

    beforeAll(() => {
      counted = countedPipeline(database.url!);
      uow = postgresUnitOfWork(database.handle.db, {
        pipelined: async () => (session = await counted.connect()),
      });
    });
    afterAll(async () => {
      await counted?.end();
    });
    beforeEach(() => {
      counted.reset();
    });

    /** The pool's one connection is clean after a failure: the next transaction commits. */
    async function nextTransactionCommits(id: number) {
      await uow.run(() => sendAhead(session.db, insert(session.db, id)));
      expect(await ids()).toEqual([id]);
    }

    it('sends held statements in the trip of the next one, which sees their writes', async () => {
      const seen = await uow.run(async () => {
        await sendAhead(session.db, insert(session.db, 1));
        await sendAhead(session.db, insert(session.db, 2));
        const { rows } = await sql<{
          n: number;
        }>`select count(*)::int as n from pipeline_probe`.execute(session.db);
        return rows[0]!.n;
      });
      expect(seen).toBe(2);
      expect(trips()).toBe(2); // the SELECT with BEGIN and both INSERTs ahead of it, COMMIT
      expect(await ids()).toEqual([1, 2]);
    });

    it('sends what is still held with the COMMIT', async () => {
      await uow.run(async () => {
        await sendAhead(session.db, insert(session.db, 3));
        await sendAhead(session.db, insert(session.db, 4));
      });
      expect(trips()).toBe(1); // BEGIN, both INSERTs and the COMMIT
      expect(await ids()).toEqual([3, 4]);
    });

    it("fails the next statement with a held statement's error and rolls everything back", async () => {
      const run = uow.run(async () => {
        await sendAhead(session.db, insert(session.db, 5));
        await sendAhead(session.db, insert(session.db, 5));
        await sql`select 1`.execute(session.db);
        return 'not reached';
      });
      await expect(run).rejects.toMatchObject({ code: '23505' }); // unique violation
      expect(await ids()).toEqual([]);
      await nextTransactionCommits(6);
    });

    it('fails the COMMIT with a held statement’s error, committing nothing', async () => {
      const run = uow.run(async () => {
        await sendAhead(session.db, insert(session.db, 7));
        await sendAhead(session.db, insert(session.db, 7));
      });
      await expect(run).rejects.toMatchObject({ code: '23505' });
      expect(await ids()).toEqual([]);
      await nextTransactionCommits(8);
    });

    it('drops what is held when the work throws, and rolls back', async () => {
      const run = uow.run(async () => {
        await sendAhead(session.db, insert(session.db, 9));
        await sendAhead(session.db, insert(session.db, 9)); // would fail the ROLLBACK's trip
        throw new Error('changed my mind');
      });
      await expect(run).rejects.toThrow('changed my mind');
      expect(trips()).toBe(1); // the ROLLBACK alone: nothing held is sent
      expect(await ids()).toEqual([]);
      await nextTransactionCommits(10);
    });

    it('prepares a held statement once per connection, and again after an error', async () => {
      const prepared = () =>
        sql<{ n: number }>`
          select count(*)::int as n from pg_prepared_statements
          where statement like 'insert into "pipeline_probe"%'`.execute(session.db);
      const first = await uow.run(async () => {
        await sendAhead(session.db, insert(session.db, 13));
        return (await prepared()).rows[0]!.n;
      });
      const again = await uow.run(async () => {
        await sendAhead(session.db, insert(session.db, 14));
        await sendAhead(session.db, insert(session.db, 15));
        return (await prepared()).rows[0]!.n;
      });
      expect([first, again]).toEqual([1, 1]);
      await expect(
        uow.run(async () => {
          await sendAhead(session.db, insert(session.db, 13)); // a duplicate: the batch fails
          await prepared();
        }),
      ).rejects.toMatchObject({ code: '23505' });
      const afterError = await uow.run(async () => {
        await sendAhead(session.db, insert(session.db, 16));
        return (await prepared()).rows[0]!.n;
      });
      expect(afterError).toBe(1);
      expect(await ids()).toEqual([13, 14, 15, 16]);
    });

    it('binds values as pg does for a statement of its own: times, JSON, arrays, null', async () => {
      const at = new Date('2026-12-04T10:11:12.345Z');
      await uow.run(() =>
        sendAhead(
          session.db,
          probe(session.db)
            .insertInto('pipeline_probe')
            .values([
              { id: 11, at, doc: JSON.stringify({ a: [1, 'b'] }), tags: ['x', 'y z', 'é'] },
              { id: 12, at: null, doc: null, tags: null },
            ]),
        ),
      );
      const rows = await probe(database.handle.db)
        .selectFrom('pipeline_probe')
        .selectAll()
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { id: 11, at, doc: { a: [1, 'b'] }, tags: ['x', 'y z', 'é'] },
        { id: 12, at: null, doc: null, tags: null },
      ]);
    });

    it('holds a lock taken ahead before the next statement runs', async () => {
      const held = await uow.run(async () => {
        await sendAhead(
          session.db,
          session.db.selectNoFrom(sql<string>`pg_advisory_xact_lock(4242)`.as('locked')),
        );
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_locks
          where locktype = 'advisory' and pid = pg_backend_pid() and objid = 4242`.execute(
          session.db,
        );
        return rows[0]!.n;
      });
      expect(held).toBe(1);
      expect(trips()).toBe(2); // the lock and the SELECT with BEGIN ahead, then COMMIT
    });
  });
});
