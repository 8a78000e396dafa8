// Connections that die under the pool (what a restart or failover of PostgreSQL does to each of
// them), on the shared server: only this file's own database's connections are terminated
// (pg_terminate_backend, the same 57P01 a fast restart sends). The pool must not crash the
// process, must close what died instead of pooling it, must open new connections on demand (with
// their role and prepared statements made anew), and a transaction cut off mid-flight must fail as
// DatabaseUnavailableError (503) and leave nothing behind. The whole server going away is
// test/faults/postgres-restart.test.ts.
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../../src/adapters/postgres/connect.js';
import { DatabaseUnavailableError } from '../../../src/adapters/postgres/errors.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import { ServiceUnavailableError } from '../../../src/domain/shared/errors.js';
import { deferred, waitFor } from '../../support/async.js';
import { APP_ROLE, createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../../support/env.js';

const NOW = new Date('2026-01-01T00:00:00Z');

const aNewUser = () => ({
  id: uuidV7Ids.next(),
  email: `loss-${uniqueTag()}@example.com`,
  name: 'Loss',
  timezone: 'UTC',
  passwordHash: 'hash',
  now: NOW,
});

describe.skipIf(!testDatabaseUrl)('a pool whose connections are terminated', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let uow: UnitOfWork;
  let admin: pg.Client;
  const reported: Error[] = [];

  /** Ends every connection to this file's database, as a fast restart does (57P01). */
  async function terminateConnections(): Promise<number> {
    const { rows } = await admin.query<{ ended: number }>(
      `select count(pg_terminate_backend(pid))::int as ended
         from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
    );
    return rows[0]?.ended ?? 0;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    handle = await openDatabase(
      { kind: 'postgres', url: database.url!, poolSize: 4, role: APP_ROLE },
      { onConnectionLost: (error) => reported.push(error) },
    );
    uow = postgresUnitOfWork(handle.db, {
      pipelined: handle.pipelined,
      scopedRead: handle.scopedRead,
    });
    // In this file's database, so `current_database()` names it; as the owner, not the app role.
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await handle?.close();
    await database?.close();
  });
  beforeEach(() => {
    reported.length = 0;
  });

  const aRead = (email: string) => uow.read((tx) => tx.users.findByEmail(email), {});

  it('drops idle connections that died and opens new ones, prepared anew, on demand', async () => {
    const user = aNewUser();
    await uow.run((tx) => tx.users.create(user));
    // Several connections, each with the read's prepared statement and the role switched.
    await Promise.all(Array.from({ length: 4 }, () => aRead(user.email)));
    expect(handle.poolStats().total).toBeGreaterThan(1);

    expect(await terminateConnections()).toBeGreaterThan(0);
    await waitFor(() => handle.poolStats().total === 0);
    expect(reported.length).toBeGreaterThan(0);

    expect(await aRead(user.email)).toMatchObject({ id: user.id });
    const other = aNewUser();
    await uow.run((tx) => tx.users.create(other));
    expect(await aRead(other.email)).toMatchObject({ id: other.id });
  });

  it('fails a transaction cut off mid-flight with DatabaseUnavailableError and keeps none of it', async () => {
    const lost = aNewUser();
    const inside = deferred();
    const resume = deferred();
    const cutOff = uow.run(async (tx) => {
      await tx.users.create(lost);
      await tx.users.findByEmail(lost.email); // the insert has reached the server
      inside.resolve();
      await resume.promise;
      return tx.users.findByEmail(lost.email);
    });
    await inside.promise;
    const before = handle.poolStats().total;
    await terminateConnections();
    await waitFor(() => reported.length > 0); // the checked-out client heard it, the process lives
    resume.resolve();

    const failure = await cutOff.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DatabaseUnavailableError);
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect((failure as DatabaseUnavailableError).retryAfterSeconds).toBeGreaterThan(0);
    // Closed, not pooled again.
    await waitFor(() => handle.poolStats().total < before);

    expect(await aRead(lost.email)).toBeUndefined();
    const kept = aNewUser();
    await uow.run((tx) => tx.users.create(kept));
    expect(await aRead(kept.email)).toMatchObject({ id: kept.id });
  });

  it('fails a read cut off mid-flight with DatabaseUnavailableError, then reads again', async () => {
    const user = aNewUser();
    await uow.run((tx) => tx.users.create(user));
    const inside = deferred();
    const resume = deferred();
    const cutOff = uow.read(async (tx) => {
      await tx.users.findByEmail(user.email);
      inside.resolve();
      await resume.promise;
      return tx.users.findByEmail(user.email);
    }, {});
    await inside.promise;
    await terminateConnections();
    await waitFor(() => reported.length > 0);
    resume.resolve();

    await expect(cutOff).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(await aRead(user.email)).toMatchObject({ id: user.id });
  });

  it('reports a refused connection as DatabaseUnavailableError', async () => {
    const url = new URL(database.url!);
    url.port = '1'; // nothing listens there
    const nowhere = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 1 });
    const nowhereUow = postgresUnitOfWork(nowhere.db, {
      pipelined: nowhere.pipelined,
      scopedRead: nowhere.scopedRead,
    });
    try {
      await expect(
        nowhereUow.read((tx) => tx.users.findByEmail('x@example.com'), {}),
      ).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(nowhereUow.run((tx) => tx.users.create(aNewUser()))).rejects.toBeInstanceOf(
        DatabaseUnavailableError,
      );
      await expect(nowhere.db.selectFrom('users').select('id').execute()).rejects.toBeInstanceOf(
        DatabaseUnavailableError,
      );
    } finally {
      await nowhere.close();
    }
  });
});
