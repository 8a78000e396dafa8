// Task watchers through HTTP: watch (201, then 200 unchanged), list in the order added in pages,
// stop watching, put members on and off the list with task:update, the audit entries, and the
// refusals: 404 to another organization and for tasks one cannot see, 403 to roles that may not
// change someone else's watching, 422 for bad input or a member who may not see the task, 404
// for a user who does not watch, and the write window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEEKDAYS } from '../../../src/domain/tasks/write-window.js';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';
import { httpBuilders, type ProjectFixture } from '../../support/builders/http.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let member: SignedInUser;
let otherMember: SignedInUser;
let manager: SignedInUser;
let viewer: SignedInUser;
let requester: SignedInUser;
let org: TestOrganization;
let ownerB: SignedInUser;
let orgB: TestOrganization;
let project: ProjectFixture;

interface TaskBody {
  readonly id: string;
  readonly key: string;
}

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  member = await memberWithRole(t, api, org.id, 'member');
  otherMember = await memberWithRole(t, api, org.id, 'member');
  manager = await memberWithRole(t, api, org.id, 'manager');
  viewer = await memberWithRole(t, api, org.id, 'viewer');
  requester = await memberWithRole(t, api, org.id, 'requester');
  ownerB = await signIn(t, api);
  orgB = await createOrganization(api, ownerB);
  project = await aProject();
});
afterAll(async () => {
  await t.close();
});

const as = (user: SignedInUser) => ({ token: user.accessToken });
const orgPath = (orgId: string = org.id) => `/api/v1/organizations/${orgId}`;
const watchersPath = (ref: string, orgId: string = org.id) =>
  `${orgPath(orgId)}/tasks/${ref}/watchers`;
const watcherPath = (ref: string, userId: string, orgId: string = org.id) =>
  `${watchersPath(ref, orgId)}/${userId}`;

const kit = httpBuilders<TaskBody>(() => ({ api, owner, org }));
const aProject = kit.aProject;
const aTask = (
  fields: Record<string, unknown> = {},
  by: SignedInUser = owner,
  inProject: ProjectFixture = project,
  orgId = org.id,
) => kit.aTask(inProject, fields, by, orgId);

async function watchers(task: TaskBody, by = owner): Promise<string[]> {
  const reply = await api.get(`${watchersPath(task.id)}?limit=200`, as(by));
  expect(reply.status).toBe(200);
  return (reply.body.data as { user_id: string }[]).map((w) => w.user_id);
}

const watch = (task: TaskBody, by: SignedInUser, body: unknown = {}) =>
  api.post(watchersPath(task.id), body, as(by));

async function auditEntries(action: string, targetId: string) {
  const entries = await t.app.deps.uow.run(
    (tx) => tx.audit.list(org.id, { action }, { limit: 50 }),
    { organizationId: org.id },
  );
  return entries.filter((entry) => entry.targetId === targetId);
}

function expectError(reply: Reply, status: number, code: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toMatchObject({ success: false, error: { code } });
}

const fieldsOf = (reply: Reply) =>
  (reply.body.error.details as { field: string }[]).map((detail) => detail.field);

describe('watching a task', () => {
  it('answers 201 with the watcher the first time, 200 unchanged after, audited once', async () => {
    const task = await aTask();
    const first = await watch(task, member);
    expect(first.status).toBe(201);
    expect(first.body.data).toEqual({
      user_id: member.id,
      name: 'Test User',
      added_at: expect.any(String),
    });
    const again = await api.post(watchersPath(task.key), { user_id: member.id }, as(member));
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(first.body.data);
    expect(await watchers(task)).toEqual([member.id]);
    expect(await auditEntries('task.watcher_added', task.id)).toEqual([
      expect.objectContaining({ actorId: member.id, changes: { user_id: member.id } }),
    ]);
  });

  it('lets a viewer watch; a requester only what it requested (404 otherwise)', async () => {
    const requested = await aTask({}, requester);
    const other = await aTask();
    expect((await watch(other, viewer)).status).toBe(201);
    expect((await watch(requested, requester)).status).toBe(201);
    expectError(await watch(other, requester), 404, 'NOT_FOUND');
    expectError(await api.get(watchersPath(other.id), as(requester)), 404, 'NOT_FOUND');
    expect(await watchers(other)).toEqual([viewer.id]);
    expect(await watchers(requested, requester)).toEqual([requester.id]);
  });

  it('puts someone else on the list only with task:update on the task (403 otherwise)', async () => {
    const task = await aTask({ assignee_id: member.id });
    expectError(await watch(task, viewer, { user_id: otherMember.id }), 403, 'FORBIDDEN');
    expectError(await watch(task, otherMember, { user_id: viewer.id }), 403, 'FORBIDDEN');
    expect(await watchers(task)).toEqual([]);
    expect((await watch(task, member, { user_id: viewer.id })).status).toBe(201);
    expect((await watch(task, manager, { user_id: otherMember.id })).status).toBe(201);
    expect((await watchers(task)).sort()).toEqual([viewer.id, otherMember.id].sort());
  });

  it('answers 422 on user_id for a non-member, a member who may not see the task, and a bad id', async () => {
    const task = await aTask();
    const stranger = await signIn(t, api);
    for (const userId of [stranger.id, ownerB.id, requester.id, 'not-a-uuid']) {
      const reply = await watch(task, owner, { user_id: userId });
      expectError(reply, 422, 'VALIDATION_ERROR');
      expect(fieldsOf(reply)).toEqual(['user_id']);
    }
    expectError(
      await watch(task, owner, { user_id: owner.id, notify: true }),
      422,
      'VALIDATION_ERROR',
    );
    expect(await watchers(task)).toEqual([]);
  });

  it('answers 404 to another organization, and for A’s task through B', async () => {
    const task = await aTask();
    await watch(task, member);
    expectError(await watch(task, ownerB), 404, 'NOT_FOUND');
    expectError(await api.get(watchersPath(task.id), as(ownerB)), 404, 'NOT_FOUND');
    expectError(await api.delete(watcherPath(task.id, member.id), as(ownerB)), 404, 'NOT_FOUND');
    const inB = await api.post(watchersPath(task.id, orgB.id), {}, as(ownerB));
    expectError(inB, 404, 'NOT_FOUND');
    expect(JSON.stringify(inB.body)).not.toContain(task.id);
    expect(await watchers(task)).toEqual([member.id]);
  });

  it('answers 403 OUTSIDE_WORKING_HOURS to a member held to a closed write window', async () => {
    const boss = await signIn(t, api);
    const windowed = await createOrganization(api, boss);
    const worker = await memberWithRole(t, api, windowed.id, 'member');
    const windowedProject = await aProject(boss, windowed.id);
    const low = await aTask({ priority: 'low' }, boss, windowedProject, windowed.id);
    const critical = await aTask({ priority: 'critical' }, boss, windowedProject, windowed.id);
    const today = (new Date().getUTCDay() + 6) % 7;
    const closed = await api.patch(
      orgPath(windowed.id),
      {
        write_window: {
          start: '00:00',
          end: '00:00',
          days: [WEEKDAYS[(today + 3) % 7]],
          roles: ['member'],
        },
      },
      as(boss),
    );
    expect(closed.status).toBe(200);

    expectError(
      await api.post(watchersPath(low.id, windowed.id), {}, as(worker)),
      403,
      'OUTSIDE_WORKING_HOURS',
    );
    expect((await api.post(watchersPath(critical.id, windowed.id), {}, as(worker))).status).toBe(
      201,
    );
  });
});

describe('listing watchers', () => {
  it('lists in the order added, in pages; 422 for a cursor it did not issue', async () => {
    const task = await aTask();
    // Registered (so user ids run) in this order too: a tie in time still lists the same.
    for (const person of [member, manager, viewer])
      expect((await watch(task, person)).status).toBe(201);

    const first = await api.get(`${watchersPath(task.key)}?limit=2`, as(viewer));
    expect(first.status).toBe(200);
    expect((first.body.data as { user_id: string }[]).map((w) => w.user_id)).toEqual([
      member.id,
      manager.id,
    ]);
    expect(first.body.meta.pagination).toMatchObject({ limit: 2, has_more: true });
    const second = await api.get(
      `${watchersPath(task.key)}?limit=2&cursor=${first.body.meta.pagination.next_cursor}`,
      as(viewer),
    );
    expect((second.body.data as { user_id: string }[]).map((w) => w.user_id)).toEqual([viewer.id]);
    expect(second.body.meta.pagination).toEqual({ limit: 2, next_cursor: null, has_more: false });

    const bad = await api.get(`${watchersPath(task.id)}?cursor=bm9wZQ`, as(viewer));
    expectError(bad, 422, 'VALIDATION_ERROR');
    expect(fieldsOf(bad)).toEqual(['cursor']);
  });
});

describe('stopping watching', () => {
  it('lets anyone who sees the task stop watching it: 204, audited; then 404', async () => {
    const task = await aTask();
    await watch(task, viewer);
    expect((await api.delete(watcherPath(task.key, viewer.id), as(viewer))).status).toBe(204);
    expect(await watchers(task)).toEqual([]);
    expect(await auditEntries('task.watcher_removed', task.id)).toEqual([
      expect.objectContaining({ actorId: viewer.id, changes: { user_id: viewer.id } }),
    ]);
    expectError(await api.delete(watcherPath(task.id, viewer.id), as(viewer)), 404, 'NOT_FOUND');
  });

  it('takes someone else off only with task:update on the task (403 otherwise)', async () => {
    const task = await aTask({}, member);
    await watch(task, viewer);
    await watch(task, otherMember);
    expectError(
      await api.delete(watcherPath(task.id, viewer.id), as(otherMember)),
      403,
      'FORBIDDEN',
    );
    expectError(
      await api.delete(watcherPath(task.id, otherMember.id), as(viewer)),
      403,
      'FORBIDDEN',
    );
    expect((await watchers(task)).sort()).toEqual([viewer.id, otherMember.id].sort());

    expect((await api.delete(watcherPath(task.id, viewer.id), as(member))).status).toBe(204);
    expect((await api.delete(watcherPath(task.id, otherMember.id), as(manager))).status).toBe(204);
    expect(await watchers(task)).toEqual([]);
    expectError(
      await api.delete(watcherPath(task.id, requester.id), as(manager)),
      404,
      'NOT_FOUND',
    );
  });

  it('answers 422 for a user id that is not a UUID', async () => {
    const task = await aTask();
    const reply = await api.delete(watcherPath(task.id, 'nobody'), as(owner));
    expectError(reply, 422, 'VALIDATION_ERROR');
    expect(fieldsOf(reply)).toEqual(['user_id']);
  });
});
