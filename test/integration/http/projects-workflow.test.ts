// A project's workflow statuses and task types through HTTP: PUT replaces the ordered list and
// keeps ids; a new project's task types are Bug, Task and Story; types are added, listed, renamed
// and removed; writes are audited; strangers get 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import { insertTasks, readTaskHistory, readTasks } from '../../support/task-rows.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';
import { aKey } from '../../support/builders/keys.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let viewer: SignedInUser;
let org: TestOrganization;
let ownerB: SignedInUser;
let orgB: TestOrganization;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  viewer = await memberWithRole(t, api, org.id, 'viewer');
  ownerB = await signIn(t, api);
  orgB = await createOrganization(api, ownerB);
});
afterAll(async () => {
  await t.close();
});

const as = (user: SignedInUser, headers: Record<string, string> = {}) => ({
  token: user.accessToken,
  headers,
});

interface Status {
  id: string;
  name: string;
  category: 'todo' | 'in_progress' | 'done';
  position: number;
}

/** A new project of the organization; its path under /api/v1. */
async function aProject(
  by = owner,
  orgId = org.id,
): Promise<{ id: string; key: string; path: string }> {
  const reply = await api.post(
    `/api/v1/organizations/${orgId}/projects`,
    { name: `Board ${uniqueTag()}`, key: aKey() },
    as(by),
  );
  expect(reply.status).toBe(201);
  const { id, key } = reply.body.data;
  return { id, key, path: `/api/v1/organizations/${orgId}/projects/${id}` };
}

async function statusesOf(path: string): Promise<Status[]> {
  const reply = await api.get(`${path}/statuses`, as(owner));
  expect(reply.status).toBe(200);
  return reply.body.data;
}

function auditEntries(orgId: string, action: string) {
  return t.app.deps.uow.run((tx) => tx.audit.list(orgId, { action }, { limit: 50 }), {
    organizationId: orgId,
  });
}

describe('workflow statuses', () => {
  it('lists the default workflow in order, by project id or key', async () => {
    const project = await aProject();
    const byId = await statusesOf(project.path);
    expect(byId.map((s) => [s.name, s.category, s.position])).toEqual([
      ['To Do', 'todo', 0],
      ['In Progress', 'in_progress', 1],
      ['In Review', 'in_progress', 2],
      ['Done', 'done', 3],
    ]);
    const byKey = await api.get(
      `/api/v1/organizations/${org.slug}/projects/${project.key}/statuses`,
      as(viewer),
    );
    expect(byKey.body.data).toEqual(byId);
  });

  it('replaces the list: kept statuses keep their ids in the new order, new ones get ids, left-out ones go', async () => {
    const project = await aProject();
    const [todo, progress, review, done] = await statusesOf(project.path);
    const requestId = `req-${uniqueTag()}`;
    const reply = await api.put(
      `${project.path}/statuses`,
      [
        { id: done!.id, name: 'Shipped', category: 'done' },
        { name: 'Backlog', category: 'todo' },
        { id: review!.id, name: 'In Progress', category: 'in_progress' },
        { id: progress!.id, name: 'In Review', category: 'in_progress' },
        { id: todo!.id, name: 'To Do', category: 'todo' },
      ].reverse(),
      as(owner, { 'x-request-id': requestId }),
    );
    expect(reply.status).toBe(200);
    const replaced: Status[] = reply.body.data;
    expect(replaced.map((s) => [s.id, s.name, s.category, s.position])).toEqual([
      [todo!.id, 'To Do', 'todo', 0],
      [progress!.id, 'In Review', 'in_progress', 1],
      [review!.id, 'In Progress', 'in_progress', 2],
      [expect.any(String), 'Backlog', 'todo', 3],
      [done!.id, 'Shipped', 'done', 4],
    ]);
    expect(await statusesOf(project.path)).toEqual(replaced);

    const dropped = await api.put(
      `${project.path}/statuses?move_to=${todo!.id}`,
      replaced.filter((s) => s.name !== 'Backlog'),
      as(owner),
    );
    expect(dropped.status).toBe(200);
    expect(dropped.body.data.map((s: Status) => s.id)).toEqual([
      todo!.id,
      progress!.id,
      review!.id,
      done!.id,
    ]);
    expect(dropped.body.data.map((s: Status) => s.position)).toEqual([0, 1, 2, 3]);

    const entries = (await auditEntries(org.id, 'project.statuses_replaced')).filter(
      (e) => e.targetId === project.id,
    );
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({ actorId: owner.id, requestId, targetType: 'project' });
  });

  it('answers 422 naming each broken entry, and changes nothing', async () => {
    const project = await aProject();
    const before = await statusesOf(project.path);
    const cases: [unknown, string[]][] = [
      [[], ['body', 'body', 'body']],
      [[{ name: 'Only', category: 'in_progress' }], ['body', 'body']],
      [
        [
          { name: 'Same', category: 'todo' },
          { name: 'SAME', category: 'done' },
        ],
        ['1.name'],
      ],
      [
        [
          { id: crypto.randomUUID(), name: 'Ghost', category: 'todo' },
          { name: 'Done', category: 'done' },
        ],
        ['0.id'],
      ],
      [[{ id: 'not-a-uuid', name: 'A', category: 'todo' }], ['0.id']],
      [[{ name: 'A', category: 'blocked' }], ['0.category']],
      [{ statuses: [] }, ['body']],
    ];
    for (const [body, fields] of cases) {
      const reply = await api.put(`${project.path}/statuses`, body, as(owner));
      expect(reply.status, JSON.stringify(body)).toBe(422);
      expect(reply.body.error.details.map((d: { field: string }) => d.field)).toEqual(fields);
    }
    const badMove = await api.put(
      `${project.path}/statuses?move_to=${crypto.randomUUID()}`,
      before,
      as(owner),
    );
    expect(badMove.status).toBe(422);
    expect(badMove.body.error.details[0].field).toBe('move_to');
    expect(await statusesOf(project.path)).toEqual(before);
  });

  it('answers 403 to a viewer’s PUT and 404 to another organization’s owner', async () => {
    const project = await aProject();
    const statuses = await statusesOf(project.path);
    const forbidden = await api.put(`${project.path}/statuses`, statuses, as(viewer));
    expect(forbidden.status).toBe(403);
    for (const orgRef of [org.id, orgB.id]) {
      const path = `/api/v1/organizations/${orgRef}/projects/${project.key}/statuses`;
      expect((await api.get(path, as(ownerB))).status).toBe(404);
      expect((await api.put(path, statuses, as(ownerB))).status).toBe(404);
    }
    expect(await statusesOf(project.path)).toEqual(statuses);
  });
});

describe('task types', () => {
  interface TaskTypeBody {
    id: string;
    project_id: string;
    name: string;
    version: number;
    created_at: string;
  }
  const typesOf = async (path: string, by = owner): Promise<TaskTypeBody[]> => {
    const reply = await api.get(`${path}/task-types`, as(by));
    expect(reply.status).toBe(200);
    return reply.body.data;
  };

  it('starts a new project with Bug, Task and Story, written with it and recorded in its audit', async () => {
    const project = await aProject();
    const seeded = await typesOf(project.path, viewer);
    expect(seeded).toEqual(
      ['Bug', 'Task', 'Story'].map((name) => ({
        id: expect.any(String),
        project_id: project.id,
        name,
        version: 1,
        created_at: seeded[0]!.created_at,
      })),
    );
    const created = (await auditEntries(org.id, 'project.created')).find(
      (e) => e.targetId === project.id,
    );
    expect(created?.changes).toMatchObject({ task_types: ['Bug', 'Task', 'Story'] });
    // Each project has its own three.
    const other = await aProject();
    const otherIds = (await typesOf(other.path)).map((type) => type.id);
    expect(otherIds).toHaveLength(3);
    expect(otherIds.filter((id) => seeded.some((type) => type.id === id))).toEqual([]);
  });

  it('adds (201) after the seeded ones, refuses a taken name (409), removes (204), and audits', async () => {
    const project = await aProject();
    const path = `${project.path}/task-types`;
    const seeded = await typesOf(project.path);
    const created = [];
    for (const name of ['Incident', 'Chore']) {
      const reply = await api.post(path, { name }, as(owner));
      expect(reply.status).toBe(201);
      expect(reply.body.data).toEqual({
        id: expect.any(String),
        project_id: project.id,
        name,
        version: 1,
        created_at: expect.any(String),
      });
      expect(reply.headers.get('etag')).toBe('"1"');
      created.push(reply.body.data);
    }
    for (const name of ['incident', 'BUG', ' story ']) {
      const taken = await api.post(path, { name }, as(owner));
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('CONFLICT');
    }
    expect((await api.post(path, { name: ' ' }, as(owner))).status).toBe(422);

    expect(await typesOf(project.path, viewer)).toEqual([...seeded, ...created]);

    const removed = await api.delete(`${path}/${created[0].id}`, as(owner));
    expect(removed.status).toBe(204);
    expect((await api.delete(`${path}/${created[0].id}`, as(owner))).status).toBe(404);
    expect((await api.delete(`${path}/not-an-id`, as(owner))).status).toBe(404);
    expect(await typesOf(project.path)).toEqual([...seeded, created[1]]);

    for (const [action, count] of [
      ['task_type.created', 2],
      ['task_type.deleted', 1],
    ] as const) {
      const entries = (await auditEntries(org.id, action)).filter(
        (e) => e.changes.project_id === project.id,
      );
      expect(entries).toHaveLength(count);
      expect(entries[0]).toMatchObject({ actorId: owner.id, targetType: 'task_type' });
    }
  });

  it('renames and removes a seeded type like any other; a task keeps a renamed type', async () => {
    const project = await aProject();
    const path = `${project.path}/task-types`;
    const [bug, task, story] = await typesOf(project.path);
    const made = await api.post(
      `${project.path}/tasks`,
      { title: 'Crash', type: 'bug' },
      as(owner),
    );
    expect(made.status).toBe(201);
    expect(made.body.data).toMatchObject({ type: 'Bug', type_id: bug!.id });

    const renamed = await api.patch(`${path}/${bug!.id}`, { name: 'Defect' }, as(owner));
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toEqual({ ...bug, name: 'Defect', version: 2 });
    expect(renamed.headers.get('etag')).toBe('"2"');
    const read = await api.get(
      `/api/v1/organizations/${org.id}/tasks/${made.body.data.id}`,
      as(owner),
    );
    expect(read.body.data).toMatchObject({ type: 'Defect', type_id: bug!.id });
    // A case change is a rename too; another type's name is taken whatever its case.
    const cased = await api.patch(`${path}/${task!.id}`, { name: 'TASK' }, as(owner));
    expect(cased.body.data).toMatchObject({ name: 'TASK', version: 2 });
    const taken = await api.patch(`${path}/${task!.id}`, { name: 'defect' }, as(owner));
    expect(taken.status).toBe(409);
    const bad = await api.patch(`${path}/${task!.id}`, { name: '', extra: 1 }, as(owner));
    expect(bad.status).toBe(422);
    expect((await api.patch(`${path}/${story!.id}`, { name: 'Epic' }, as(viewer))).status).toBe(
      403,
    );

    expect((await api.delete(`${path}/${story!.id}`, as(owner))).status).toBe(204);
    expect((await typesOf(project.path)).map((type) => type.name)).toEqual(['Defect', 'TASK']);
    const renames = (await auditEntries(org.id, 'task_type.updated')).filter(
      (e) => e.targetId === bug!.id,
    );
    expect(renames).toEqual([
      expect.objectContaining({
        actorId: owner.id,
        targetType: 'task_type',
        changes: { project_id: project.id, name: { from: 'Bug', to: 'Defect' } },
      }),
    ]);
  });

  it('does not reach a task type through another project', async () => {
    const project = await aProject();
    const other = await aProject();
    const type = await api.post(`${project.path}/task-types`, { name: 'Incident' }, as(owner));
    const wrong = await api.delete(`${other.path}/task-types/${type.body.data.id}`, as(owner));
    expect(wrong.status).toBe(404);
    const rename = await api.patch(
      `${other.path}/task-types/${type.body.data.id}`,
      { name: 'Moved' },
      as(owner),
    );
    expect(rename.status).toBe(404);
    expect((await typesOf(project.path)).map((t) => t.name)).toEqual([
      'Bug',
      'Task',
      'Story',
      'Incident',
    ]);
  });

  it('answers 403 to a viewer’s writes and 404 to another organization’s owner', async () => {
    const project = await aProject();
    const path = `${project.path}/task-types`;
    const type = (await api.post(path, { name: 'Incident' }, as(owner))).body.data;
    expect((await api.post(path, { name: 'Chore' }, as(viewer))).status).toBe(403);
    expect((await api.patch(`${path}/${type.id}`, { name: 'Chore' }, as(viewer))).status).toBe(403);
    expect((await api.delete(`${path}/${type.id}`, as(viewer))).status).toBe(403);
    for (const orgRef of [org.id, orgB.id]) {
      const bPath = `/api/v1/organizations/${orgRef}/projects/${project.id}/task-types`;
      expect((await api.get(bPath, as(ownerB))).status).toBe(404);
      expect((await api.post(bPath, { name: 'X' }, as(ownerB))).status).toBe(404);
      expect((await api.patch(`${bPath}/${type.id}`, { name: 'X' }, as(ownerB))).status).toBe(404);
      expect((await api.delete(`${bPath}/${type.id}`, as(ownerB))).status).toBe(404);
    }
    expect((await typesOf(project.path)).at(-1)).toEqual(type);
  });
});

describe('workflow statuses and the tasks in them', () => {
  const GAP = 65_536;
  const tasksIn = (projectId: string, statusIds: string[], deletedAt: Date | null = null) =>
    insertTasks(
      t.database.handle.db,
      org.id,
      statusIds.map((statusId) => ({ projectId, statusId, deletedAt })),
    );
  const read = (ids: string[]) => readTasks(t.database.handle.db, org.id, ids);

  it('answers 409 CONFLICT naming the dropped statuses that hold tasks, and changes nothing', async () => {
    const project = await aProject();
    const [todo, progress, review, done] = await statusesOf(project.path);
    const ids = await tasksIn(project.id, [progress!.id, review!.id]);
    const before = await read(ids);

    const reply = await api.put(`${project.path}/statuses`, [todo, done], as(owner));
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('CONFLICT');
    expect(reply.body.error.message).toContain("'In Progress', 'In Review' still hold tasks");
    expect(await statusesOf(project.path)).toEqual([todo, progress, review, done]);
    expect(await read(ids)).toEqual(before);
  });

  it('moves the tasks to move_to given by id, appended in order, with a moved entry each', async () => {
    const project = await aProject();
    const [todo, progress, review, done] = await statusesOf(project.path);
    const [waiting] = await tasksIn(project.id, [todo!.id]);
    const moved = await tasksIn(project.id, [progress!.id, review!.id]);

    const reply = await api.put(
      `${project.path}/statuses?move_to=${todo!.id}`,
      [todo, done],
      as(owner),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.data.map((s: Status) => s.id)).toEqual([todo!.id, done!.id]);
    expect((await read([waiting!, ...moved])).map((r) => [r.statusId, r.position])).toEqual([
      [todo!.id, GAP],
      [todo!.id, 2 * GAP],
      [todo!.id, 3 * GAP],
    ]);
    const history = await readTaskHistory(t.database.handle.db, org.id);
    expect(
      history
        .filter((h) => moved.includes(h.taskId))
        .map((h) => [h.taskId, h.actorId, h.action, h.changes]),
    ).toEqual(
      expect.arrayContaining([
        [moved[0], owner.id, 'moved', { status_id: { from: progress!.id, to: todo!.id } }],
        [moved[1], owner.id, 'moved', { status_id: { from: review!.id, to: todo!.id } }],
      ]),
    );
    const [entry] = (await auditEntries(org.id, 'project.statuses_replaced')).filter(
      (e) => e.targetId === project.id,
    );
    expect(entry!.changes).toMatchObject({ move_to: todo!.id, moved_tasks: 2 });
  });

  it('takes move_to by name, a new status of the list included, and marks tasks moved into done completed', async () => {
    const project = await aProject();
    const [todo, progress, review, done] = await statusesOf(project.path);
    const ids = await tasksIn(project.id, [progress!.id, review!.id]);
    const reply = await api.put(
      `${project.path}/statuses?move_to=${encodeURIComponent('shipped')}`,
      [todo, { name: 'Shipped', category: 'done' }, done],
      as(owner),
    );
    expect(reply.status).toBe(200);
    const shipped = reply.body.data[1] as Status;
    expect(shipped.name).toBe('Shipped');
    const rows = await read(ids);
    expect(rows.map((r) => r.statusId)).toEqual([shipped.id, shipped.id]);
    expect(rows.every((r) => r.completedAt instanceof Date)).toBe(true);
  });

  it('answers 422 to a move_to naming a dropped status or no status at all', async () => {
    const project = await aProject();
    const [todo, progress, , done] = await statusesOf(project.path);
    await tasksIn(project.id, [progress!.id]);
    for (const moveTo of [progress!.id, 'Nowhere', crypto.randomUUID()]) {
      const reply = await api.put(
        `${project.path}/statuses?move_to=${encodeURIComponent(moveTo)}`,
        [todo, done],
        as(owner),
      );
      expect(reply.status, moveTo).toBe(422);
      expect(reply.body.error.details).toEqual([{ field: 'move_to', message: expect.any(String) }]);
    }
    expect(await statusesOf(project.path)).toHaveLength(4);
  });

  it('drops a status holding only deleted tasks without move_to; they go to the first status', async () => {
    const project = await aProject();
    const [todo, progress, review, done] = await statusesOf(project.path);
    const ids = await tasksIn(project.id, [review!.id], new Date('2026-01-07T00:00:00Z'));
    const reply = await api.put(`${project.path}/statuses`, [progress, todo, done], as(owner));
    expect(reply.status).toBe(200);
    expect((await read(ids)).map((r) => r.statusId)).toEqual([progress!.id]);
  });
});
