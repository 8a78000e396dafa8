// The notifications consumer on PostgreSQL and PGlite, through the outbox: its rows commit with
// the cursor's move or not at all (a batch that fails after writing leaves nothing, nor a push),
// a batch handed over again records nothing twice (a folded run keeps its count), and one actor's
// changes to one task fold into one row only within the window, by the events' times. A new row
// whose channels include email enqueues its mail job in the same transaction (none when the batch
// rolls back, none for a folded change, none while email notifications are switched off).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresJobQueue } from '../../../src/adapters/postgres/job-queue.js';
import { postgresOutbox } from '../../../src/adapters/postgres/outbox.js';
import { postgresRepositories } from '../../../src/adapters/postgres/repositories.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { Outbox } from '../../../src/application/events/outbox.js';
import type { PositionedEvent } from '../../../src/application/events/ports.js';
import { notificationsConsumer } from '../../../src/application/notifications/notify.js';
import type { Notification } from '../../../src/application/notifications/ports.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import type { DomainEvent } from '../../../src/domain/events/event.js';
import { eventually } from '../../support/async.js';
import { anEvent, EVENT_TIME } from '../../support/builders/events.js';
import { aUserIn, repositoryBuilders } from '../../support/builders/repositories.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

let database: TestDatabase;
let uow: UnitOfWork;
let outbox: Outbox;
const { anOrganization, inOrg } = repositoryBuilders(() => uow, EVENT_TIME);

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

/** Notification jobs of `kind` waiting in the queue (of every scene of the file). */
async function waitingJobs(kind: 'notification_email' | 'notification_sms'): Promise<number> {
  const stats = await postgresJobQueue(database.handle.db).stats(EVENT_TIME);
  return stats.find((s) => s.kind === kind)?.waiting ?? 0;
}

/** An organization with an actor and an assignee, both members; a consumer of its own. */
async function aScene(channels = { email: true, sms: true }) {
  const org = await anOrganization();
  const actor = await aUserIn(database.handle.db, EVENT_TIME);
  const assignee = await aUserIn(database.handle.db, EVENT_TIME);
  for (const user of [actor, assignee]) {
    await inOrg(org, (tx) =>
      tx.memberships.add({
        id: uuidV7Ids.next(),
        organizationId: org,
        userId: user.id,
        role: 'member',
        now: EVENT_TIME,
      }),
    );
  }
  const pushed: Notification[] = [];
  const consumer = notificationsConsumer({
    uow,
    ids: uuidV7Ids,
    push: { push: (_userId, notification) => pushed.push(notification) },
    coalesceSeconds: 60,
    clock: { now: () => EVENT_TIME },
    channels,
  });
  const name = `${consumer.name}-${uuidV7Ids.next()}`;
  await outbox.backlog(name); // its cursor starts here
  const taskId = uuidV7Ids.next();
  /** A reassignment to the assignee by the actor, `seconds` after EVENT_TIME. */
  const reassignment = (seconds: number) =>
    anEvent(org, {
      type: 'task.updated',
      subject: { type: 'task', id: taskId, key: 'RE-7' },
      actor: { type: 'user', id: actor.id },
      change: { assignee_id: { from: null, to: assignee.id } },
      occurredAt: new Date(EVENT_TIME.getTime() + seconds * 1000),
    });
  return { org, assignee, consumer, name, pushed, reassignment };
}

const append = (organizationId: string, events: DomainEvent[]) =>
  inOrg(organizationId, async (tx) => {
    for (const event of events) await tx.events.append(event);
  });

/** Every committed event behind the cursor, in one batch, once readable. */
async function waitForBacklog(name: string, depth: number) {
  await eventually(async () => (await outbox.backlog(name)).depth === depth, 30_000);
}

const inbox = (userId: string) =>
  uow.read((tx) => tx.notifications.list(userId, {}, { limit: 50 }), { userId });

describe('the notifications consumer', () => {
  it('commits its rows and their mail jobs with the cursor’s move, or none of them and no push', async () => {
    const scene = await aScene();
    const jobsBefore = await waitingJobs('notification_email');
    await append(scene.org, [scene.reassignment(0)]);
    await waitForBacklog(scene.name, 1);
    await expect(
      outbox.dispatch(scene.name, 10, async (events, tx) => {
        await scene.consumer.handle(events, tx);
        throw new Error('the batch fails after the consumer wrote');
      }),
    ).rejects.toThrow('the batch fails');
    expect(await inbox(scene.assignee.id)).toEqual([]);
    expect(scene.pushed).toEqual([]);
    expect(await waitingJobs('notification_email')).toBe(jobsBefore);

    expect(
      await outbox.dispatch(scene.name, 10, (events, tx) => scene.consumer.handle(events, tx)),
    ).toBe(1);
    const [recorded] = await inbox(scene.assignee.id);
    expect(recorded).toMatchObject({ kind: 'assigned', count: 1, readAt: null });
    expect(scene.pushed.map((n) => n.id)).toEqual([recorded!.id]);
    // `assigned` goes by email by default; SMS is not among its channels.
    expect(await waitingJobs('notification_email')).toBe(jobsBefore + 1);
    expect(await waitingJobs('notification_sms')).toBe(0);
  });

  it('records nothing twice when a batch comes again, and folds only within the window', async () => {
    const scene = await aScene();
    const jobsBefore = await waitingJobs('notification_email');
    const events = [scene.reassignment(0), scene.reassignment(59), scene.reassignment(120)];
    await append(scene.org, events);
    await waitForBacklog(scene.name, 3);
    let batch: readonly PositionedEvent[] = [];
    await outbox.dispatch(scene.name, 10, async (handed, tx) => {
      batch = handed;
      await scene.consumer.handle(handed, tx);
    });
    // The same batch again (as after a crash before the cursor's commit).
    await outbox.dispatch(scene.name, 10, async () => undefined);
    await scene.consumer.handle(batch, postgresRepositories(database.handle.db));

    const rows = await inbox(scene.assignee.id);
    // 0 s and 59 s fold; 120 s is 61 s after the last folded one: a row of its own.
    expect(rows.map((n) => [n.count, n.lastAt.getTime() - EVENT_TIME.getTime()])).toEqual([
      [1, 120_000],
      [2, 59_000],
    ]);
    // One mail per row: the folded change and the repeated batch enqueued none.
    expect(await waitingJobs('notification_email')).toBe(jobsBefore + 2);
  });

  it('enqueues no mail while email notifications are switched off', async () => {
    const scene = await aScene({ email: false, sms: false });
    const jobsBefore = await waitingJobs('notification_email');
    await append(scene.org, [scene.reassignment(0)]);
    await waitForBacklog(scene.name, 1);
    await outbox.dispatch(scene.name, 10, (events, tx) => scene.consumer.handle(events, tx));
    expect(await inbox(scene.assignee.id)).toHaveLength(1);
    expect(await waitingJobs('notification_email')).toBe(jobsBefore);
  });

  it('takes one batch over several organizations: each its own members, each member their own channels', async () => {
    const first = await aScene();
    const second = await aScene();
    const outsider = await aUserIn(database.handle.db, EVENT_TIME);
    // The second organization's assignee wants no email for assignments (the default sends one).
    await inOrg(second.org, (tx) =>
      tx.notifications.preferences.saveMember(
        second.org,
        second.assignee.id,
        { channels: { assigned: ['in_app'] }, quietHours: null },
        EVENT_TIME,
      ),
    );
    const toOutsider = anEvent(first.org, {
      type: 'task.updated',
      subject: { type: 'task', id: uuidV7Ids.next(), key: 'RE-8' },
      change: { assignee_id: { from: null, to: outsider.id } },
    });
    await append(first.org, [first.reassignment(0), toOutsider]);
    await append(second.org, [second.reassignment(0)]);
    // One consumer reads both organizations' events in one batch.
    await waitForBacklog(first.name, 3);
    expect(
      await outbox.dispatch(first.name, 10, (events, tx) => first.consumer.handle(events, tx)),
    ).toBe(3);

    const [ofFirst] = await inbox(first.assignee.id);
    expect(ofFirst).toMatchObject({ organizationId: first.org, channels: ['in_app', 'email'] });
    const [ofSecond] = await inbox(second.assignee.id);
    expect(ofSecond).toMatchObject({ organizationId: second.org, channels: ['in_app'] });
    // Not a member of the first organization: not told.
    expect(await inbox(outsider.id)).toEqual([]);
    expect(first.pushed.map((n) => n.userId)).toEqual([first.assignee.id, second.assignee.id]);
  });
});
