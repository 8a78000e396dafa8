// Notifications end to end: writes through the HTTP API, the app's own notifications consumer
// (inline, behind its own cursor on the events table) recording them, and the inbox routes: the
// assignee is told, the actor never; a mention of a member tells them, of a stranger no one;
// changes of one actor to one task within the coalescing window are one notification (the
// events' times come from the injected clock); read, unread, read-all and the unread count;
// another user's notification is a 404 and another organization's filter shows none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { eventually } from '../../support/async.js';
import { httpBuilders, type ProjectFixture } from '../../support/builders/http.js';
import { client, type Client } from '../../support/client.js';
import { fakeClock } from '../../support/clock.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';

interface TaskBody {
  readonly id: string;
  readonly key: string;
}

interface NotificationBody {
  readonly id: string;
  readonly organization_id: string;
  readonly kind: string;
  readonly summary: string;
  readonly task_id: string | null;
  readonly count: number;
  readonly read: boolean;
  readonly actor: { readonly id: string };
}

const clock = fakeClock(new Date());
let t: TestApp;
let api: Client;
let owner: SignedInUser;
let bob: SignedInUser;
let carol: SignedInUser;
let stranger: SignedInUser;
let org: TestOrganization;
let otherOrg: TestOrganization;
let project: ProjectFixture;

beforeAll(async () => {
  t = await startTestApp({}, { clock });
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  bob = await memberWithRole(t, api, org.id, 'member');
  carol = await memberWithRole(t, api, org.id, 'member');
  stranger = await signIn(t, api);
  otherOrg = await createOrganization(api, stranger);
  project = await kit.aProject();
});
afterAll(async () => {
  await t?.close();
});

const kit = httpBuilders<TaskBody>(() => ({ api, owner, org }));
const as = (user: SignedInUser) => ({ token: user.accessToken });
const taskPath = (task: TaskBody) => `/api/v1/organizations/${org.id}/tasks/${task.id}`;

async function inbox(user: SignedInUser, query = ''): Promise<NotificationBody[]> {
  const reply = await api.get(`/api/v1/notifications?limit=200${query}`, as(user));
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.data as NotificationBody[];
}

/** The user's notifications about `task`, once `until` holds of them (the consumer is async). */
async function notificationsOf(
  user: SignedInUser,
  task: TaskBody,
  until: (found: NotificationBody[]) => boolean,
): Promise<NotificationBody[]> {
  let found: NotificationBody[] = [];
  await eventually(async () => {
    found = (await inbox(user)).filter((n) => n.task_id === task.id);
    return until(found);
  }, 30_000);
  return found;
}

/** Waits until the consumer has handled every event so far (its backlog is empty). */
async function consumed(): Promise<void> {
  await eventually(
    async () => (await t.app.events.outbox.backlog('notifications')).depth === 0,
    30_000,
  );
}

async function update(task: TaskBody, fields: Record<string, unknown>, by = owner) {
  const reply = await api.patch(taskPath(task), fields, as(by));
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
}

async function comment(task: TaskBody, body: string, by = owner) {
  const reply = await api.post(`${taskPath(task)}/comments`, { body }, as(by));
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
}

const handleOf = (user: SignedInUser) => user.email.slice(0, user.email.indexOf('@'));

describe('who is told', () => {
  it('tells the assignee, never the actor', async () => {
    const task = await kit.aTask(project);
    await update(task, { assignee_id: bob.id });
    const [assigned] = await notificationsOf(bob, task, (found) => found.length > 0);
    expect(assigned).toMatchObject({ kind: 'assigned', actor: { id: owner.id }, read: false });
    expect(assigned!.summary).toContain(task.key);
    await consumed();
    expect((await inbox(owner)).filter((n) => n.task_id === task.id)).toEqual([]);
  });

  it('tells a member mentioned by handle or email, and no one for a mention of a non-member', async () => {
    const task = await kit.aTask(project);
    await comment(task, `@${handleOf(bob)} and @${carol.email}, see @${stranger.email}.`);
    const [toBob] = await notificationsOf(bob, task, (found) => found.length > 0);
    const [toCarol] = await notificationsOf(carol, task, (found) => found.length > 0);
    expect(toBob).toMatchObject({ kind: 'mentioned' });
    expect(toCarol).toMatchObject({ kind: 'mentioned' });
    await consumed();
    expect(await inbox(stranger)).toEqual([]);
  });

  it('tells watchers of a change, folding one actor’s changes within the window into one', async () => {
    const task = await kit.aTask(project);
    const watched = await api.post(`${taskPath(task)}/watchers`, { user_id: carol.id }, as(owner));
    expect(watched.status).toBe(201);
    await update(task, { title: 'First' });
    await update(task, { title: 'Second' });
    clock.advance(30_000);
    await update(task, { title: 'Third' });
    const [folded] = await notificationsOf(carol, task, (found) => found[0]?.count === 3);
    expect(folded).toMatchObject({ kind: 'watched_task', count: 3 });

    // Past the window (from the last change): a notification of its own.
    clock.advance(61_000);
    await update(task, { title: 'Fourth' });
    const found = await notificationsOf(carol, task, (all) => all.length === 2);
    expect(found.map((n) => n.count)).toEqual([1, 3]);
  });
});

describe('the inbox', () => {
  it('marks read and unread, counts the unread, reads all; another user’s is a 404', async () => {
    const tasks = [await kit.aTask(project), await kit.aTask(project)];
    for (const task of tasks) await update(task, { assignee_id: bob.id });
    await notificationsOf(bob, tasks[1]!, (found) => found.length > 0);
    const [first] = await notificationsOf(bob, tasks[0]!, (found) => found.length > 0);
    const count = async (query = '') =>
      (await api.get(`/api/v1/notifications/unread-count${query}`, as(bob))).body.data.unread;
    const before = await count();
    expect(before).toBeGreaterThanOrEqual(2);

    const read = await api.post(`/api/v1/notifications/${first!.id}/read`, {}, as(bob));
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ id: first!.id, read: true });
    expect(await count()).toBe(before - 1);
    expect((await inbox(bob, '&unread=true')).map((n) => n.id)).not.toContain(first!.id);

    const unread = await api.post(`/api/v1/notifications/${first!.id}/unread`, {}, as(bob));
    expect(unread.body.data).toMatchObject({ read: false, read_at: null });
    expect(await count()).toBe(before);

    // Someone else's notification does not exist for them.
    for (const verb of ['read', 'unread']) {
      const reply = await api.post(`/api/v1/notifications/${first!.id}/${verb}`, {}, as(carol));
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('NOT_FOUND');
    }
    expect((await inbox(carol)).map((n) => n.id)).not.toContain(first!.id);

    // Another organization's filter shows none of this one's.
    expect(await inbox(bob, `&organization_id=${otherOrg.id}`)).toEqual([]);
    expect(await count(`?organization_id=${otherOrg.id}`)).toBe(0);
    expect(await count(`?organization_id=${org.id}`)).toBe(before);

    const all = await api.post(
      '/api/v1/notifications/read-all',
      { organization_id: org.id },
      as(bob),
    );
    expect(all.status).toBe(200);
    expect(all.body.data.marked).toBe(before);
    expect(await count()).toBe(0);
  });

  it('pages newest first with a cursor, and refuses bad input with the envelope', async () => {
    const newest = await inbox(bob);
    expect(newest.length).toBeGreaterThanOrEqual(2);
    const first = await api.get('/api/v1/notifications?limit=1', as(bob));
    expect(first.body.data.map((n: NotificationBody) => n.id)).toEqual([newest[0]!.id]);
    const cursor = first.body.meta.pagination.next_cursor as string;
    const second = await api.get(`/api/v1/notifications?limit=1&cursor=${cursor}`, as(bob));
    expect(second.body.data.map((n: NotificationBody) => n.id)).toEqual([newest[1]!.id]);

    for (const path of [
      '/api/v1/notifications?unread=yes',
      '/api/v1/notifications?organization_id=nope',
      '/api/v1/notifications?cursor=bm9wZQ',
      '/api/v1/notifications/unread-count?organization_id=nope',
    ]) {
      const reply = await api.get(path, as(bob));
      expect(reply.status, path).toBe(422);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    }
    const badId = await api.post('/api/v1/notifications/nope/read', {}, as(bob));
    expect(badId.status).toBe(422);
    const noToken = await api.get('/api/v1/notifications');
    expect(noToken.status).toBe(401);
  });
});
