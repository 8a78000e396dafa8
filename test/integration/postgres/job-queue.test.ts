// The job queue (src/adapters/postgres/job-queue.ts, migration 0019) and the runner's round
// (application/jobs/run-jobs.ts), on PostgreSQL and PGlite: a job exists only if its transaction
// commits; a claim holds it for its lease and no longer; a failure brings it back after a backoff
// computed from the clock; out of attempts it is dead, kept and counted; two runners run each job
// once. Time is a hand clock: every decision is taken against the `now` it is given.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postgresJobQueue } from '../../../src/adapters/postgres/job-queue.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { ClaimedJob, JobQueue, NewJob } from '../../../src/application/jobs/ports.js';
import {
  runDueJobs,
  type JobHandler,
  type JobOutcome,
} from '../../../src/application/jobs/run-jobs.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../../../src/domain/jobs/retry.js';
import { fakeClock, type FakeClock } from '../../support/clock.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { recordingLogger } from '../use-cases/deps.js';

const LEASE_MS = 60_000;
const FAR_FUTURE = new Date('2100-01-01T00:00:00.000Z');
const newId = () => uuidV7Ids.next();

let database: TestDatabase;
let uow: UnitOfWork;
let queue: JobQueue;
let clock: FakeClock;

beforeAll(async () => {
  database = await createTestDatabase();
  uow = postgresUnitOfWork(database.handle.db, {
    pipelined: database.handle.pipelined,
    scopedRead: database.handle.scopedRead,
  });
  queue = postgresJobQueue(database.handle.db);
});
afterAll(async () => {
  await database?.close();
});
// The file's tests share one table: none leaves a job that a later claim could take.
afterEach(async () => {
  for (const job of await queue.claim('cleanup', FAR_FUTURE, LEASE_MS, 1000)) {
    await queue.complete(job.id, 'cleanup');
  }
});

/** A kind of the test's own, so that its counts are its own. */
const aKind = () => `test-${newId()}`;

function aJob(kind: string, fields: Partial<NewJob> = {}): NewJob {
  return {
    id: newId(),
    kind,
    payload: { n: 1 },
    organizationId: null,
    runAt: clock.now(),
    maxAttempts: 3,
    createdAt: clock.now(),
    ...fields,
  };
}

const enqueue = (...jobs: NewJob[]) =>
  uow.run(async (tx) => {
    for (const job of jobs) await tx.jobs.enqueue(job);
  });

const statsOf = async (kind: string) =>
  (await queue.stats(clock.now())).find((k) => k.kind === kind);

/** The runner's round over `handler`, its outcomes recorded. */
function runner(kind: string, handler: JobHandler, worker = 'runner-1') {
  const outcomes: [JobOutcome, number | undefined][] = [];
  const deps = {
    jobs: queue,
    handlers: { [kind]: handler },
    clock,
    random: () => 0,
    retry: DEFAULT_RETRY_POLICY,
    logger: recordingLogger(),
  };
  const observer = {
    processed: (_kind: string, outcome: JobOutcome, latency?: number) => {
      outcomes.push([outcome, latency]);
    },
  };
  return {
    outcomes,
    run: () => runDueJobs(deps, { worker, leaseMs: LEASE_MS, batchSize: 10 }, observer),
  };
}

const failing: JobHandler = () => Promise.reject(new Error('smtp down'));

describe('enqueue', () => {
  it('keeps a job only if its transaction commits', async () => {
    clock = fakeClock(new Date('2026-03-01T12:00:00.000Z'));
    const kind = aKind();
    await expect(
      uow.run(async (tx) => {
        await tx.jobs.enqueue(aJob(kind));
        throw new Error('the write fails after its job was enqueued');
      }),
    ).rejects.toThrow('the write fails');
    expect(await statsOf(kind)).toBeUndefined();

    await enqueue(aJob(kind));
    expect(await statsOf(kind)).toEqual({ kind, waiting: 1, oldestDue: clock.now(), dead: 0 });
  });

  it("enqueues for the unit of work's own organization or for none, never another's", async () => {
    clock = fakeClock(new Date('2026-03-01T12:00:00.000Z'));
    const kind = aKind();
    const [mine, other] = [newId(), newId()];
    const inMine = (job: NewJob) => uow.run((tx) => tx.jobs.enqueue(job), { organizationId: mine });

    await inMine(aJob(kind, { organizationId: mine }));
    await inMine(aJob(kind, { organizationId: null }));
    await expect(inMine(aJob(kind, { organizationId: other }))).rejects.toThrow();
    expect((await statsOf(kind))?.waiting).toBe(2);
  });

  it('lets the application role read or change no job but through the queue', async () => {
    const { db } = database.handle;
    await expect(db.selectFrom('jobs').select('id').execute()).rejects.toThrow(/permission/);
    await expect(db.deleteFrom('jobs').execute()).rejects.toThrow(/permission/);
  });
});

describe('claim', () => {
  it('holds a job for its lease; once it has passed another claim takes it', async () => {
    clock = fakeClock(new Date('2026-03-02T12:00:00.000Z'));
    const kind = aKind();
    const job = aJob(kind, { payload: { to: 'ada@example.com' }, organizationId: null });
    await enqueue(job);
    const t0 = clock.now().getTime();

    const [first, ...more] = await queue.claim('w1', clock.now(), LEASE_MS, 10);
    expect(more).toEqual([]);
    expect(first).toEqual<ClaimedJob>({
      id: job.id,
      kind,
      payload: { to: 'ada@example.com' },
      organizationId: null,
      attempts: 1,
      maxAttempts: 3,
      createdAt: job.createdAt,
    });
    expect(await queue.claim('w2', new Date(t0 + LEASE_MS - 1), LEASE_MS, 10)).toEqual([]);

    const [again] = await queue.claim('w2', new Date(t0 + LEASE_MS), LEASE_MS, 10);
    expect(again).toMatchObject({ id: job.id, attempts: 2 });
    // The first worker answers too late: the job is the second's.
    expect(await queue.complete(job.id, 'w1')).toBe(false);
    expect(await queue.complete(job.id, 'w2')).toBe(true);
    expect(await statsOf(kind)).toBeUndefined();
  });

  it('takes nothing before its run_at', async () => {
    clock = fakeClock(new Date('2026-03-03T12:00:00.000Z'));
    const kind = aKind();
    const later = new Date(clock.now().getTime() + 1000);
    await enqueue(aJob(kind, { runAt: later }));
    expect(await queue.claim('w1', clock.now(), LEASE_MS, 10)).toEqual([]);
    expect(await statsOf(kind)).toEqual({ kind, waiting: 1, oldestDue: null, dead: 0 });
    expect(await queue.claim('w1', later, LEASE_MS, 10)).toHaveLength(1);
  });
});

describe('the runner', () => {
  it('forgets a job done and tells how long it took from its enqueue', async () => {
    clock = fakeClock(new Date('2026-03-04T12:00:00.000Z'));
    const kind = aKind();
    await enqueue(aJob(kind));
    clock.advance(2_500);
    const ran: string[] = [];
    const round = runner(kind, async (job) => {
      ran.push(job.id);
    });

    expect(await round.run()).toBe(1);
    expect(round.outcomes).toEqual([['done', 2.5]]);
    expect(await statsOf(kind)).toBeUndefined();
    expect(await round.run()).toBe(0);
    expect(ran).toHaveLength(1);
  });

  it('brings a failed job back after a backoff from the clock, and buries it after its last attempt', async () => {
    clock = fakeClock(new Date('2026-03-05T12:00:00.000Z'));
    const kind = aKind();
    await enqueue(aJob(kind, { maxAttempts: 2 }));
    const round = runner(kind, failing);

    await round.run();
    // random() = 0: the least of the first step's jitter, half of it.
    const wait = retryDelayMs(DEFAULT_RETRY_POLICY, 1, () => 0);
    expect(wait).toBe(DEFAULT_RETRY_POLICY.baseDelayMs / 2);
    expect(await statsOf(kind)).toEqual({ kind, waiting: 1, oldestDue: null, dead: 0 });
    clock.advance(wait - 1);
    expect(await round.run()).toBe(0);
    clock.advance(1);
    expect(await statsOf(kind)).toMatchObject({ waiting: 1, oldestDue: clock.now() });

    expect(await round.run()).toBe(1);
    expect(round.outcomes.map(([outcome]) => outcome)).toEqual(['retried', 'dead']);
    expect(await statsOf(kind)).toEqual({ kind, waiting: 0, oldestDue: null, dead: 1 });
    expect(await queue.claim('w1', FAR_FUTURE, LEASE_MS, 1000)).toEqual([]);
  });

  it('fails a job of a kind nobody handles, to retry it once a handler may exist', async () => {
    clock = fakeClock(new Date('2026-03-06T12:00:00.000Z'));
    const kind = aKind();
    await enqueue(aJob(kind));
    const round = runner('another-kind', async () => undefined);
    await round.run();
    expect(round.outcomes.map(([outcome]) => outcome)).toEqual(['retried']);
  });

  it('buries a job whose worker never answered its last attempt, once the lease has passed', async () => {
    clock = fakeClock(new Date('2026-03-07T12:00:00.000Z'));
    const kind = aKind();
    await enqueue(aJob(kind, { maxAttempts: 1 }));
    expect(await queue.claim('dead-worker', clock.now(), LEASE_MS, 10)).toHaveLength(1);
    clock.advance(LEASE_MS);
    expect(await queue.claim('w2', clock.now(), LEASE_MS, 10)).toEqual([]);
    expect(await statsOf(kind)).toEqual({ kind, waiting: 0, oldestDue: null, dead: 1 });
  });

  it('runs each job once with two runners at work side by side', async () => {
    clock = fakeClock(new Date('2026-03-08T12:00:00.000Z'));
    const kind = aKind();
    const jobs = Array.from({ length: 40 }, () => aJob(kind));
    await enqueue(...jobs);
    const ran: string[] = [];
    const handler: JobHandler = async (job) => {
      ran.push(job.id);
    };
    const drain = async (worker: string) => {
      const round = runner(kind, handler, worker);
      while ((await round.run()) > 0) {
        // another batch may be due
      }
    };

    await Promise.all([drain('runner-a'), drain('runner-b')]);
    expect(ran.toSorted()).toEqual(jobs.map((j) => j.id).toSorted());
    expect(await statsOf(kind)).toBeUndefined();
  });
});
