// The one-trip reads of PostgreSQL (src/adapters/postgres/scoped-read.ts): every statement goes out
// with the tenant scope ahead of it as one batch, as a prepared statement of its connection. PGlite
// has no such path (its reads are read-only transactions, covered by rls.test.ts): there this file
// checks only that it offers none.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../../src/adapters/postgres/connect.js';
import type { ScopedReader } from '../../../src/adapters/postgres/scoped-read.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../../support/env.js';

if (!testDatabaseUrl) {
  it('PGlite offers no one-trip reader (the unit of work reads in a read-only transaction)', async () => {
    const database = await createTestDatabase();
    try {
      expect(database.handle.scopedRead).toBeUndefined();
    } finally {
      await database.close();
    }
  });
}
describe.skipIf(!testDatabaseUrl)('PostgreSQL only (skipped on PGlite)', () => {
  let database: TestDatabase;
  /** One connection, as the owner: every read below shares it, and DDL is allowed. */
  let single: DatabaseHandle;
  let read: ScopedReader;
  const scope = { organizationId: crypto.randomUUID() };

  beforeAll(async () => {
    database = await createTestDatabase({ asOwner: true });
    single = await openDatabase({ kind: 'postgres', url: database.url!, poolSize: 1 });
    read = single.scopedRead!;
  });
  afterAll(async () => {
    await single?.close();
    await database?.close();
  });

  const settings = () =>
    read(scope, async (db) => {
      const { rows } = await sql<{ organization: string; readOnly: string }>`
        select current_setting('app.organization_id', true) as organization,
               current_setting('transaction_read_only') as "readOnly"`.execute(db);
      return rows[0]!;
    });

  describe('a scoped read on PostgreSQL', () => {
    it('runs each statement read-only, with the scope set', async () => {
      expect(await settings()).toEqual({ organization: scope.organizationId, readOnly: 'on' });
    });

    it('prepares a statement once per connection and runs it again with other values', async () => {
      const doubled = (n: number) =>
        read(scope, async (db) => {
          const { rows } = await sql<{ doubled: number }>`select ${n}::int * 2 as doubled`.execute(
            db,
          );
          return rows[0]?.doubled;
        });
      expect(await doubled(2)).toBe(4);
      expect(await doubled(21)).toBe(42);
      const { rows } = await sql<{ count: string }>`
        select count(*) as count from pg_prepared_statements
        where statement like 'select $1::int * 2 as doubled%'`.execute(single.db);
      expect(Number(rows[0]!.count)).toBe(1);
    });

    it('recovers from a statement that failed: the same statement works next time', async () => {
      const cast = (value: string) =>
        read(scope, async (db) => {
          const { rows } = await sql<{ n: number }>`select ${value}::int as n`.execute(db);
          return rows[0]?.n;
        });
      await expect(cast('not a number')).rejects.toThrow(/invalid input syntax/);
      expect(await cast('7')).toBe(7);
      // The connection is still scoped per statement, not left in a failed state.
      expect((await settings()).organization).toBe(scope.organizationId);
    });

    it('re-prepares a statement whose table changed shape under it', async () => {
      const table = `scoped_${uniqueTag()}`;
      await sql`create table ${sql.table(table)} (a int)`.execute(single.db);
      await sql`insert into ${sql.table(table)} values (1)`.execute(single.db);
      const everything = () =>
        read(scope, async (db) => {
          const { rows } = await sql<Record<string, unknown>>`
            select * from ${sql.table(table)}`.execute(db);
          return rows;
        });
      expect(await everything()).toEqual([{ a: 1 }]);
      await sql`alter table ${sql.table(table)} add column b int default 2`.execute(single.db);
      // PostgreSQL refuses a prepared plan whose result changed; one failure at most, then it works.
      const after = await everything().catch(() => everything());
      expect(after).toEqual([{ a: 1, b: 2 }]);
    });

    it('prepares the statements of ordinary queries too, once per connection', async () => {
      const tripled = async (n: number) => {
        const { rows } = await sql<{ tripled: number }>`select ${n}::int * 3 as tripled`.execute(
          single.db,
        );
        return rows[0]?.tripled;
      };
      expect(await tripled(2)).toBe(6);
      expect(await tripled(5)).toBe(15);
      const { rows } = await sql<{ count: string }>`
        select count(*) as count from pg_prepared_statements
        where statement like 'select $1::int * 3 as tripled%'`.execute(single.db);
      expect(Number(rows[0]!.count)).toBe(1);
    });

    it('re-prepares an ordinary statement after an error inside a transaction', async () => {
      const table = `prepared_${uniqueTag()}`;
      await sql`create table ${sql.table(table)} (a int)`.execute(single.db);
      const insert = (value: string) =>
        sql`insert into ${sql.table(table)} values (${value}::int)`.execute(single.db);
      await single.db
        .transaction()
        .execute((trx) => sql`insert into ${sql.table(table)} values (${'x'}::int)`.execute(trx))
        .catch(() => undefined);
      await insert('1');
      const everything = async () =>
        (
          await sql<
            Record<string, unknown>
          >`select * from ${sql.table(table)} where a = ${1}`.execute(single.db)
        ).rows;
      expect(await everything()).toEqual([{ a: 1 }]);
      await sql`alter table ${sql.table(table)} add column b int default 2`.execute(single.db);
      // One failure at most ('cached plan must not change result type'), then the new shape.
      const rows = await everything().catch(() => everything());
      expect(rows).toEqual([{ a: 1, b: 2 }]);
    });

    it('refuses a write', async () => {
      const table = `scoped_${uniqueTag()}`;
      await sql`create table ${sql.table(table)} (a int)`.execute(single.db);
      await expect(
        read(scope, (db) => sql`insert into ${sql.table(table)} values (1)`.execute(db)),
      ).rejects.toThrow(/read-only transaction/);
    });
  });
});
