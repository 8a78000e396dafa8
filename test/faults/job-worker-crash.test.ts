// Mail jobs and the worker as a real process (src/bootstrap/worker.ts) against PostgreSQL, with
// SMTP through a gate in front of a real smtp-server (test/support/smtp.ts). SIGKILL between the
// claim and the acknowledgement (the gate holds the worker's SMTP connection, so the send hangs
// with the job claimed): once the lease has passed, a new worker delivers the mail, once, with the
// job's Message-ID. Two workers at once: each mail is delivered once. PostgreSQL only: the
// embedded default has no separate worker (its API process runs the jobs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { postgresJobQueue } from '../../src/adapters/postgres/job-queue.js';
import { postgresUnitOfWork } from '../../src/adapters/postgres/unit-of-work.js';
import { systemClock } from '../../src/adapters/system/clock.js';
import { uuidV7Ids } from '../../src/adapters/system/uuid-v7-ids.js';
import { enqueueEmail } from '../../src/application/jobs/email.js';
import type { JobQueue } from '../../src/application/jobs/ports.js';
import type { UnitOfWork } from '../../src/application/shared/unit-of-work.js';
import { startApiProcess, type ApiProcess } from '../support/api-process.js';
import { eventually, waitFor } from '../support/async.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testDatabaseUrl, testRedisUrl, uniqueTag } from '../support/env.js';
import { startSmtpGate, startSmtpSink, type SmtpGate, type SmtpSink } from '../support/smtp.js';

let database: TestDatabase;
let uow: UnitOfWork;
let queue: JobQueue;
let sink: SmtpSink;
let gate: SmtpGate;
const workers: ApiProcess[] = [];

describe.skipIf(!testDatabaseUrl || !testRedisUrl)('mail jobs in the worker process', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    uow = postgresUnitOfWork(database.handle.db);
    queue = postgresJobQueue(database.handle.db);
    sink = await startSmtpSink();
    gate = await startSmtpGate(sink.port);
  });
  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await gate?.close();
    await sink?.close();
    await database?.close();
  });

  const startWorker = async () => {
    const worker = await startApiProcess(
      {
        DATABASE_URL: database.url!,
        REDIS_URL: testRedisUrl!,
        REDIS_KEY_PREFIX: `test:jobs:${uniqueTag()}:`,
        SMTP_URL: `smtp://127.0.0.1:${gate.port}`,
        MAIL_FROM: 'TeamFlow <no-reply@teamflow.test>',
        JOBS_POLL_MS: '50',
      },
      { worker: true },
    );
    workers.push(worker);
    return worker;
  };

  /** Enqueues one mail per address, as a request's transaction does; answers the job ids. */
  const mail = (addresses: string[]) =>
    uow.run(async (tx) => {
      for (const to of addresses) {
        await enqueueEmail({ ids: uuidV7Ids, clock: systemClock }, tx, {
          to,
          subject: 'Hello',
          text: `Hello ${to}`,
        });
      }
    });

  const waiting = async () =>
    (await queue.stats(systemClock.now())).reduce((sum, kind) => sum + kind.waiting, 0);

  /** The lease's end, moved to now: what waiting out JOBS_LEASE_SECONDS would do. */
  const leasesPass = async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(
        `UPDATE jobs SET locked_until = now() - interval '1 second' WHERE locked_by IS NOT NULL`,
      );
    } finally {
      await admin.end();
    }
  };

  it('delivers a mail claimed by a worker SIGKILLed before its acknowledgement, once, after a restart', async () => {
    gate.hold();
    const first = await startWorker();
    const to = `crash-${uniqueTag()}@example.com`;
    await mail([to]);
    // The worker has claimed the job and is sending it: its SMTP connection is held unanswered.
    await waitFor(() => gate.held() === 1, 60_000);
    await first.kill();
    expect(sink.messages).toEqual([]);
    expect(await waiting()).toBe(1);

    await leasesPass();
    gate.pass();
    const second = await startWorker();
    await waitFor(() => sink.messages.some((m) => m.to === to), 60_000);
    await eventually(async () => (await waiting()) === 0, 60_000);
    const delivered = sink.messages.filter((m) => m.to === to);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.messageId).toMatch(/^<[0-9a-f-]{36}@teamflow\.test>$/);
    await second.stop();
  }, 240_000);

  it('delivers each mail once with two workers running', async () => {
    await Promise.all([startWorker(), startWorker()]);
    const addresses = Array.from({ length: 30 }, (_, i) => `pair-${i}-${uniqueTag()}@example.com`);
    await mail(addresses.slice(0, 15));
    await mail(addresses.slice(15));
    await waitFor(() => addresses.every((to) => sink.messages.some((m) => m.to === to)), 60_000);
    await eventually(async () => (await waiting()) === 0, 60_000);
    const mine = sink.messages.filter((m) => addresses.includes(m.to));
    expect(mine.map((m) => m.to).toSorted()).toEqual(addresses.toSorted());
    expect(new Set(mine.map((m) => m.messageId)).size).toBe(addresses.length);
  }, 240_000);
});
