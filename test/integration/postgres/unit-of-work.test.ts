// The unit of work's limit on transactions holding a connection (maxConcurrentTransactions): gated
// transactions commit and roll back as any other, and on PostgreSQL the reads keep connections of
// their own while writers wait, where without the limit they would queue behind them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../../src/adapters/postgres/connect.js';
import { inRequestTransaction } from '../../../src/adapters/postgres/request-transaction.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import { deferred, waitFor } from '../../support/async.js';
import { APP_ROLE, createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../../support/env.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const newId = () => uuidV7Ids.next();

const aNewUser = () => ({
  id: newId(),
  email: `gate-${uniqueTag()}@example.com`,
  name: 'Gate',
  timezone: 'UTC',
  passwordHash: 'hash',
  now: NOW,
});

/** Resolves with 'answered' or, if `promise` takes longer than `ms`, 'waiting'. */
const within = (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(() => 'answered' as const),
    new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), ms)),
  ]);

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('a unit of work with a limit on its transactions', () => {
  const gated = (): UnitOfWork =>
    postgresUnitOfWork(database.handle.db, {
      pipelined: database.handle.pipelined,
      scopedRead: database.handle.scopedRead,
      maxConcurrentTransactions: 1,
    });

  it('commits every transaction that waited its turn', async () => {
    const uow = gated();
    const users = Array.from({ length: 4 }, aNewUser);
    await Promise.all(users.map((user) => uow.run((tx) => tx.users.create(user))));
    for (const user of users) {
      expect(await uow.run((tx) => tx.users.findByEmail(user.email))).toMatchObject({
        id: user.id,
      });
    }
  });

  it('rolls a failed transaction back and lets the next one run', async () => {
    const uow = gated();
    const lost = aNewUser();
    const failing = uow.run(async (tx) => {
      await tx.users.create(lost);
      throw new Error('after the insert');
    });
    const kept = aNewUser();
    const next = uow.run((tx) => tx.users.create(kept));
    await expect(failing).rejects.toThrow('after the insert');
    await next;
    expect(await uow.run((tx) => tx.users.findByEmail(lost.email))).toBeUndefined();
    expect(await uow.run((tx) => tx.users.findByEmail(kept.email))).toBeDefined();
  });

  it('counts a request transaction once, however many runs join it, until it ends', async () => {
    const uow = gated();
    const [first, second, outside] = [aNewUser(), aNewUser(), aNewUser()];
    const firstJoined = deferred();
    const goOn = deferred();
    const attempt = inRequestTransaction(async () => {
      await uow.run((tx) => tx.users.create(first));
      firstJoined.resolve();
      await goOn.promise;
      await uow.run((tx) => tx.users.create(second));
      return 'done';
    });
    await firstJoined.promise;
    // Outside the request: a transaction of its own, which waits for the request's place.
    let outsideDone = false;
    const outsideRun = uow.run((tx) => tx.users.create(outside)).then(() => (outsideDone = true));
    goOn.resolve();
    const request = await attempt;
    expect(request.value).toBe('done');
    expect(outsideDone).toBe(false);
    await request.transaction!.commit(() => Promise.resolve());
    await outsideRun;
    for (const user of [first, second, outside]) {
      expect(await uow.run((tx) => tx.users.findByEmail(user.email))).toBeDefined();
    }
  });

  it('gives its place back when a request transaction rolls back', async () => {
    const uow = gated();
    const lost = aNewUser();
    await expect(
      inRequestTransaction(async () => {
        await uow.run((tx) => tx.users.create(lost));
        throw new Error('the request failed');
      }),
    ).rejects.toThrow('the request failed');
    expect(await uow.run((tx) => tx.users.findByEmail(lost.email))).toBeUndefined();
  });
});

describe.skipIf(!testDatabaseUrl)('PostgreSQL only (skipped on PGlite)', () => {
  describe('on PostgreSQL, with a pool of 3', () => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await openDatabase({
        kind: 'postgres',
        url: database.url!,
        poolSize: 3,
        role: APP_ROLE,
      });
    });
    afterAll(async () => {
      await handle?.close();
    });

    const unitOfWork = (maxConcurrentTransactions?: number) =>
      postgresUnitOfWork(handle.db, {
        pipelined: handle.pipelined,
        scopedRead: handle.scopedRead,
        maxConcurrentTransactions,
      });

    /** Five transactions that each hold their connection until `hold` resolves. */
    function holdingTransactions(uow: UnitOfWork, hold: Promise<void>) {
      let inside = 0;
      let most = 0;
      // How many are inside at once: each holds its connection from BEGIN until `hold` resolves.
      const runs = Array.from({ length: 5 }, () =>
        uow.run(async (tx) => {
          inside += 1;
          most = Math.max(most, inside);
          await tx.users.findById(newId());
          await hold;
          inside -= 1;
        }),
      );
      return { runs, most: () => most, inside: () => inside };
    }

    const aRead = (uow: UnitOfWork) =>
      uow.read((tx) => tx.users.findByEmail('nobody@example.com'), {});

    it('answers a read while five transactions wait, holding no more than 2 connections', async () => {
      const uow = unitOfWork(2);
      const hold = deferred();
      const { runs, most, inside } = holdingTransactions(uow, hold.promise);
      try {
        await waitFor(() => inside() === 2);
        expect(await within(aRead(uow), 5_000)).toBe('answered');
        expect(most()).toBe(2);
      } finally {
        hold.resolve();
        await Promise.all(runs);
      }
      expect(most()).toBe(2);
    });

    it('without the limit, the same read waits for a connection the transactions took', async () => {
      const uow = unitOfWork();
      const hold = deferred();
      const { runs, most, inside } = holdingTransactions(uow, hold.promise);
      await waitFor(() => inside() === 3);
      const read = aRead(uow);
      try {
        expect(await within(read, 500)).toBe('waiting');
        expect(most()).toBe(3);
      } finally {
        hold.resolve();
        await Promise.all(runs);
      }
      expect(await read).toBeUndefined();
    });
  });
});
