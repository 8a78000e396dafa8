// POST /organizations/{org}/tasks/bulk through HTTP: per-task results in request order, all or
// nothing (409 naming each failed task) unless partial, per-task :own checks for members,
// NOT_FOUND alike for whatever the caller cannot see, status/label/assignee changes with one
// history entry per changed task, the request limits, Idempotency-Key replays, and two concurrent
// requests over the same tasks in opposite orders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
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
let viewer: SignedInUser;
let org: TestOrganization;
let ownerB: SignedInUser;
let orgB: TestOrganization;

const as = (user: SignedInUser, headers: Record<string, string> = {}) => ({
  token: user.accessToken,
  headers,
});
const orgPath = (orgId: string = org.id) => `/api/v1/organizations/${orgId}`;
const bulkPath = (orgId: string = org.id) => `${orgPath(orgId)}/tasks/bulk`;

interface TaskBody {
  id: string;
  key: string;
  version: number;
  status_id: string;
  status_category: string;
  priority: string;
  assignee_id: string | null;
  labels: string[];
  position: number;
  completed_at: string | null;
}

const { aProject, aTask } = httpBuilders<TaskBody>(() => ({ api, owner, org }), {
  projectName: 'Ops',
});

const statusNamed = (project: ProjectFixture, name: string) =>
  project.statuses.find((status) => status.name === name)!.id;

async function current(task: TaskBody): Promise<TaskBody> {
  const reply = await api.get(`${orgPath()}/tasks/${task.id}`, as(owner));
  expect(reply.status).toBe(200);
  return reply.body.data;
}

async function historyActions(task: TaskBody): Promise<string[]> {
  const reply = await api.get(`${orgPath()}/tasks/${task.id}/history`, as(owner));
  expect(reply.status).toBe(200);
  return reply.body.data.map((entry: { action: string }) => entry.action);
}

async function aLabel(name: string): Promise<string> {
  const reply = await api.post(
    `${orgPath()}/labels`,
    { name: `${name} ${uniqueTag()}` },
    as(owner),
  );
  expect(reply.status).toBe(201);
  return reply.body.data.id;
}

function expectError(reply: Reply, status: number, code: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toMatchObject({ success: false, error: { code } });
}

const statusesOf = (reply: Reply) =>
  reply.body.data.results.map((result: { status: string }) => result.status);

let project: ProjectFixture;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  member = await memberWithRole(t, api, org.id, 'member');
  viewer = await memberWithRole(t, api, org.id, 'viewer');
  ownerB = await signIn(t, api);
  orgB = await createOrganization(api, ownerB);
  project = await aProject();
});
afterAll(async () => {
  await t.close();
});

describe('changing many tasks', () => {
  it('answers one result per id in request order, with a history entry per changed task', async () => {
    const a = await aTask(project);
    const b = await aTask(project, { priority: 'high' });
    const c = await aTask(project);

    const reply = await api.post(
      bulkPath(),
      { task_ids: [c.id, b.id, a.id], set: { priority: 'high' } },
      as(owner),
    );

    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({
      results: [
        {
          task_id: c.id,
          status: 'updated',
          task: { id: c.id, key: c.key, version: c.version + 1 },
        },
        { task_id: b.id, status: 'unchanged', task: { id: b.id, key: b.key, version: b.version } },
        {
          task_id: a.id,
          status: 'updated',
          task: { id: a.id, key: a.key, version: a.version + 1 },
        },
      ],
      summary: { updated: 2, unchanged: 1, failed: 0 },
    });
    expect((await current(a)).priority).toBe('high');
    expect(await historyActions(a)).toEqual(['updated', 'created']);
    expect(await historyActions(c)).toEqual(['updated', 'created']);
    expect(await historyActions(b)).toEqual(['created']);
  });

  it('moves tasks to a done status: bottom of the column, completed_at set', async () => {
    const done = statusNamed(project, 'Done');
    const a = await aTask(project);
    const b = await aTask(project);

    const reply = await api.post(
      bulkPath(),
      { task_ids: [b.id, a.id], set: { status_id: done } },
      as(owner),
    );

    expect(statusesOf(reply)).toEqual(['updated', 'updated']);
    const [afterB, afterA] = [await current(b), await current(a)];
    for (const task of [afterA, afterB]) {
      expect(task.status_id).toBe(done);
      expect(task.status_category).toBe('done');
      expect(task.completed_at).not.toBeNull();
    }
    expect(afterB.position).toBeLessThan(afterA.position);

    const back = await api.post(
      bulkPath(),
      { task_ids: [a.id], set: { status_id: statusNamed(project, 'To Do') } },
      as(owner),
    );
    expect(statusesOf(back)).toEqual(['updated']);
    expect((await current(a)).completed_at).toBeNull();
  });

  it('adds and removes labels on each task’s own set, and assigns', async () => {
    const [one, two, three] = [await aLabel('One'), await aLabel('Two'), await aLabel('Three')];
    const a = await aTask(project, { labels: [one] });
    const b = await aTask(project, { labels: [one, two] });

    const reply = await api.post(
      bulkPath(),
      {
        task_ids: [a.id, b.id],
        set: { labels_add: [three], labels_remove: [one], assignee_id: member.id },
      },
      as(owner),
    );

    expect(statusesOf(reply)).toEqual(['updated', 'updated']);
    const [afterA, afterB] = [await current(a), await current(b)];
    expect(afterA.labels).toEqual([three]);
    expect(afterB.labels).toEqual([two, three].sort());
    expect(afterA.assignee_id).toBe(member.id);
    expect(await historyActions(b)).toEqual(['updated', 'created']);
  });

  it('fails a task of another project when the status is not of its project', async () => {
    const other = await aProject();
    const here = await aTask(project);
    const there = await aTask(other);

    const reply = await api.post(
      bulkPath(),
      {
        task_ids: [here.id, there.id],
        set: { status_id: statusNamed(project, 'In Progress') },
        partial: true,
      },
      as(owner),
    );

    expect(statusesOf(reply)).toEqual(['updated', 'failed']);
    expect(reply.body.data.results[1].error.code).toBe('VALIDATION_ERROR');
    expect((await current(there)).version).toBe(there.version);
  });
});

describe('permissions per task', () => {
  async function memberTasks() {
    const own = await aTask(project, {}, member);
    const assigned = await aTask(project, { assignee_id: member.id });
    const others = await aTask(project);
    return { own, assigned, others };
  }

  it('all or nothing: one task the member may not change → 409 naming it, nothing changes', async () => {
    const { own, assigned, others } = await memberTasks();

    const reply = await api.post(
      bulkPath(),
      { task_ids: [own.id, others.id, assigned.id], set: { priority: 'low' } },
      as(member),
    );

    expectError(reply, 409, 'CONFLICT');
    expect(reply.body.error.details).toEqual([
      { field: 'task_ids.1', message: 'FORBIDDEN: Missing permission task:update' },
    ]);
    for (const task of [own, assigned, others]) {
      const after = await current(task);
      expect(after.priority).toBe('medium');
      expect(after.version).toBe(task.version);
      expect(await historyActions(task)).toEqual(['created']);
    }
  });

  it('partial: the member’s own and assigned tasks change, the other fails FORBIDDEN', async () => {
    const { own, assigned, others } = await memberTasks();

    const reply = await api.post(
      bulkPath(),
      { task_ids: [own.id, others.id, assigned.id], set: { priority: 'low' }, partial: true },
      as(member),
    );

    expect(reply.status).toBe(200);
    expect(statusesOf(reply)).toEqual(['updated', 'failed', 'updated']);
    expect(reply.body.data.results[1]).toEqual({
      task_id: others.id,
      status: 'failed',
      error: { code: 'FORBIDDEN', message: 'Missing permission task:update' },
    });
    expect(reply.body.data.summary).toEqual({ updated: 2, unchanged: 0, failed: 1 });
    expect((await current(own)).priority).toBe('low');
    expect((await current(assigned)).priority).toBe('low');
    expect((await current(others)).priority).toBe('medium');
  });

  it('answers NOT_FOUND alike for unknown, deleted and other-organization tasks', async () => {
    const mine = await aTask(project);
    const deleted = await aTask(project);
    expect((await api.delete(`${orgPath()}/tasks/${deleted.id}`, as(owner))).status).toBe(204);
    const foreign = await aTask(await aProject(ownerB, orgB.id), {}, ownerB, orgB.id);
    const unknown = crypto.randomUUID();

    const reply = await api.post(
      bulkPath(),
      { task_ids: [mine.id, deleted.id, foreign.id, unknown], set: { priority: 'high' } },
      as(owner),
    );

    expectError(reply, 409, 'CONFLICT');
    expect(reply.body.error.details).toEqual(
      [1, 2, 3].map((index) => ({
        field: `task_ids.${index}`,
        message: 'NOT_FOUND: task not found',
      })),
    );
    expect(JSON.stringify(reply.body)).not.toContain(foreign.key);
    expect((await current(mine)).version).toBe(mine.version);
  });

  it('refuses a viewer (403), another organization’s owner (404) and no token (401)', async () => {
    const task = await aTask(project);
    const body = { task_ids: [task.id], set: { priority: 'low' } };
    expectError(await api.post(bulkPath(), body, as(viewer)), 403, 'FORBIDDEN');
    const stranger = await api.post(bulkPath(), body, as(ownerB));
    expectError(stranger, 404, 'NOT_FOUND');
    expect(JSON.stringify(stranger.body)).not.toContain(task.id);
    expectError(await api.post(bulkPath(), body), 401, 'UNAUTHENTICATED');
    expect((await current(task)).version).toBe(task.version);
  });
});

describe('the request', () => {
  it('takes 500 ids and refuses 501 or none (422)', async () => {
    const task = await aTask(project);
    const ids = [task.id, ...Array.from({ length: 499 }, () => crypto.randomUUID())];

    const ok = await api.post(
      bulkPath(),
      { task_ids: ids, set: { priority: 'critical' }, partial: true },
      as(owner),
    );
    expect(ok.status).toBe(200);
    expect(ok.body.data.results.map((r: { task_id: string }) => r.task_id)).toEqual(ids);
    expect(ok.body.data.summary).toEqual({ updated: 1, unchanged: 0, failed: 499 });

    for (const taskIds of [[...ids, crypto.randomUUID()], []]) {
      const reply = await api.post(
        bulkPath(),
        { task_ids: taskIds, set: { priority: 'low' } },
        as(owner),
      );
      expectError(reply, 422, 'VALIDATION_ERROR');
      expect(reply.body.error.details[0].field).toBe('task_ids');
    }
    expect((await current(task)).priority).toBe('critical');
  });

  it('refuses repeated ids, an empty set, unknown fields and empty ids (422)', async () => {
    const a = await aTask(project);
    const b = await aTask(project);
    const cases: [unknown, string][] = [
      [{ task_ids: [a.id, b.id, a.id], set: { priority: 'low' } }, 'task_ids.2'],
      [{ task_ids: [a.id], set: {} }, 'set'],
      [{ task_ids: [a.id], set: { title: 'Renamed' } }, 'set.title'],
      // A key is a task id too (identifiers.test.ts); an empty string names nothing.
      [{ task_ids: [''], set: { priority: 'low' } }, 'task_ids.0'],
      [{ task_ids: [a.id], set: { priority: 'urgent' } }, 'set.priority'],
      [{ task_ids: [a.id], set: { assignee_id: crypto.randomUUID() } }, 'set.assignee_id'],
      [{ task_ids: [a.id], set: { labels_add: [crypto.randomUUID()] } }, 'set.labels_add.0'],
    ];
    for (const [body, field] of cases) {
      const reply = await api.post(bulkPath(), body, as(owner));
      expectError(reply, 422, 'VALIDATION_ERROR');
      expect(reply.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await current(a)).version).toBe(a.version);
  });

  it('replays an Idempotency-Key: the same results, nothing changed twice', async () => {
    const a = await aTask(project);
    const b = await aTask(project);
    const body = { task_ids: [a.id, b.id], set: { priority: 'high' } };
    const key = { 'Idempotency-Key': `bulk-${uniqueTag()}` };

    const first = await api.post(bulkPath(), body, as(owner, key));
    const replay = await api.post(bulkPath(), body, as(owner, key));

    expect(first.status).toBe(200);
    expect(statusesOf(first)).toEqual(['updated', 'updated']);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    // Run again for real, the tasks would now be "unchanged": the replay is the first answer.
    expect(replay.body.data).toEqual(first.body.data);
    for (const task of [a, b]) {
      expect((await current(task)).version).toBe(task.version + 1);
      expect(await historyActions(task)).toEqual(['updated', 'created']);
    }
  });

  it('completes two concurrent requests over the same tasks in opposite orders', async () => {
    const tasks: TaskBody[] = [];
    for (let i = 0; i < 12; i += 1) tasks.push(await aTask(project));
    const ids = tasks.map((task) => task.id);

    const [byPriority, byStatus] = await Promise.all([
      api.post(bulkPath(), { task_ids: ids, set: { priority: 'low' } }, as(owner)),
      api.post(
        bulkPath(),
        { task_ids: [...ids].reverse(), set: { status_id: statusNamed(project, 'In Review') } },
        as(owner),
      ),
    ]);

    expect(byPriority.status, JSON.stringify(byPriority.body)).toBe(200);
    expect(byStatus.status, JSON.stringify(byStatus.body)).toBe(200);
    for (const task of tasks) {
      const after = await current(task);
      expect(after.priority).toBe('low');
      expect(after.status_id).toBe(statusNamed(project, 'In Review'));
      expect(after.version).toBe(task.version + 2);
    }
  });

  it('is in the OpenAPI document, with the Idempotency-Key header', async () => {
    const doc = await api.get('/api/v1/openapi.json');
    const op = doc.body.paths['/api/v1/organizations/{org}/tasks/bulk'].post;
    expect(op.operationId).toBe('bulkUpdateTasks');
    expect(op.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '409', '422']));
  });
});
