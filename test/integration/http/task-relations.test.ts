// Task relations through HTTP: add each type and read it from both tasks (and on the task
// itself), remove it from either side, the history of both tasks, and the refusals: 404 to
// strangers and for tasks one cannot see, 403 to roles that may not change the task, 422 for bad
// input or another task one cannot relate to (told apart from nothing), 409 for the same pair
// twice or a blocking cycle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let viewer: SignedInUser;
let requester: SignedInUser;
let org: TestOrganization;
let ownerB: SignedInUser;
let orgB: TestOrganization;
let project: ProjectFixture;
let projectB: ProjectFixture;

const as = (user: SignedInUser) => ({ token: user.accessToken });
const orgPath = (orgId: string = org.id) => `/api/v1/organizations/${orgId}`;
const taskPath = (ref: string, orgId: string = org.id) => `${orgPath(orgId)}/tasks/${ref}`;
const relationsPath = (ref: string, orgId: string = org.id) => `${taskPath(ref, orgId)}/relations`;

interface TaskBody {
  readonly id: string;
  readonly key: string;
  readonly title: string;
}

let titles = 0;
const kit = httpBuilders<TaskBody>(() => ({ api, owner, org }), {
  taskTitle: () => `Task ${(titles += 1)}`,
});
const aProject = kit.aProject;
const aTask = (
  fields: Record<string, unknown> = {},
  by: SignedInUser = owner,
  inProject: ProjectFixture = project,
  orgId = org.id,
) => kit.aTask(inProject, fields, by, orgId);

const relate = (task: TaskBody, body: unknown, by: SignedInUser = owner, orgId = org.id) =>
  api.post(relationsPath(task.id, orgId), body, as(by));

async function related(task: TaskBody, type: string, other: TaskBody, by = owner) {
  const reply = await relate(task, { type, task_id: other.id }, by);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.data as { id: string; type: string; task_id: string };
}

async function relationsOf(task: TaskBody, by: SignedInUser = owner) {
  const reply = await api.get(relationsPath(task.id), as(by));
  expect(reply.status).toBe(200);
  return (reply.body.data as { type: string; task_id: string }[]).map((r) => [r.type, r.task_id]);
}

const unrelate = (
  task: TaskBody | string,
  relationId: string,
  by: SignedInUser = owner,
  orgId = org.id,
) =>
  api.delete(
    `${relationsPath(typeof task === 'string' ? task : task.id, orgId)}/${relationId}`,
    as(by),
  );

function expectError(reply: Reply, status: number, code: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toMatchObject({ success: false, error: { code } });
}

const fieldsOf = (reply: Reply) =>
  (reply.body.error.details as { field: string }[]).map((detail) => detail.field);

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  member = await memberWithRole(t, api, org.id, 'member');
  viewer = await memberWithRole(t, api, org.id, 'viewer');
  requester = await memberWithRole(t, api, org.id, 'requester');
  ownerB = await signIn(t, api);
  orgB = await createOrganization(api, ownerB);
  project = await aProject();
  projectB = await aProject(ownerB, orgB.id);
});
afterAll(async () => {
  await t.close();
});

describe('adding and reading relations', () => {
  it('adds "A blocks B" (201) and shows it from both tasks and on the task reads', async () => {
    const a = await aTask();
    const b = await aTask();
    const reply = await relate(a, { type: 'blocks', task_id: b.id });
    expect(reply.status).toBe(201);
    const relation = reply.body.data;
    expect(relation).toEqual({
      id: expect.any(String),
      type: 'blocks',
      task_id: b.id,
      task_key: b.key,
      task_title: b.title,
      created_by: owner.id,
      created_at: expect.any(String),
    });

    const fromA = await api.get(relationsPath(a.key), as(owner));
    expect(fromA.body.data).toEqual([relation]);
    expect(await relationsOf(b)).toEqual([['blocked_by', a.id]]);

    const readA = await api.get(taskPath(a.key), as(owner));
    expect(readA.status).toBe(200);
    expect(readA.headers.get('etag')).toBe('"1"');
    expect(readA.body.data).toMatchObject({ id: a.id, key: a.key, relations: [relation] });
    const readB = await api.get(taskPath(b.id), as(owner));
    expect(readB.body.data.relations).toEqual([
      { ...relation, type: 'blocked_by', task_id: a.id, task_key: a.key, task_title: a.title },
    ]);
  });

  it('reads blocked_by, duplicates and relates_to from both sides (duplicated_by on the other)', async () => {
    const a = await aTask();
    const [b, c, d] = [await aTask(), await aTask(), await aTask()];
    await related(a, 'blocked_by', b);
    await related(a, 'duplicates', c);
    await related(a, 'relates_to', d);
    expect(await relationsOf(a)).toEqual([
      ['blocked_by', b.id],
      ['duplicates', c.id],
      ['relates_to', d.id],
    ]);
    expect(await relationsOf(b)).toEqual([['blocks', a.id]]);
    expect(await relationsOf(c)).toEqual([['duplicated_by', a.id]]);
    expect(await relationsOf(d)).toEqual([['relates_to', a.id]]);
  });

  it('relates tasks of two projects, naming the other task by its key', async () => {
    const a = await aTask();
    const elsewhere = await aTask({}, owner, await aProject());
    const reply = await relate(a, { type: 'relates_to', task_id: elsewhere.key });
    expect(reply.status).toBe(201);
    expect(reply.body.data).toMatchObject({ task_id: elsewhere.id, task_key: elsewhere.key });
  });

  it('shows an empty list for a task without relations, and lets a viewer read', async () => {
    const a = await aTask();
    expect(await relationsOf(a, viewer)).toEqual([]);
    expect((await api.get(taskPath(a.id), as(viewer))).body.data.relations).toEqual([]);
  });

  it('writes relation_added into both tasks’ history, each from its side', async () => {
    const a = await aTask();
    const b = await aTask();
    await related(a, 'duplicates', b);
    const historyOf = async (task: TaskBody) =>
      (await api.get(`${taskPath(task.id)}/history`, as(owner))).body.data[0];
    expect(await historyOf(a)).toMatchObject({
      action: 'relation_added',
      changes: { type: 'duplicates', task_id: b.id },
      actor_id: owner.id,
    });
    expect(await historyOf(b)).toMatchObject({
      action: 'relation_added',
      changes: { type: 'duplicated_by', task_id: a.id },
    });
  });
});

describe('refusals when adding', () => {
  it('answers 404 to another organization’s owner, for reads and writes alike', async () => {
    const a = await aTask();
    const b = await aTask();
    const relation = await related(a, 'blocks', b);
    for (const reply of [
      await api.get(relationsPath(a.id), as(ownerB)),
      await relate(a, { type: 'blocks', task_id: b.id }, ownerB),
      await unrelate(a, relation.id, ownerB),
      // Through their own organization's path: the task is not theirs to name.
      await api.get(relationsPath(a.id, orgB.id), as(ownerB)),
      await relate(a, { type: 'relates_to', task_id: b.id }, ownerB, orgB.id),
      await unrelate(a, relation.id, ownerB, orgB.id),
    ]) {
      expectError(reply, 404, 'NOT_FOUND');
      expect(JSON.stringify(reply.body)).not.toContain(b.id);
    }
    expect(await relationsOf(a)).toEqual([['blocks', b.id]]);
  });

  it('answers 403 to a viewer, a requester, and a member on a task it neither created nor is assigned', async () => {
    const a = await aTask();
    const b = await aTask({}, member);
    for (const who of [viewer, requester, member]) {
      expectError(await relate(a, { type: 'blocks', task_id: b.id }, who), 403, 'FORBIDDEN');
    }
    expect(await relationsOf(a)).toEqual([]);
    // The member may relate its own task, and one it is assigned.
    const assigned = await aTask({ assignee_id: member.id });
    expect((await relate(b, { type: 'blocks', task_id: a.id }, member)).status).toBe(201);
    expect((await relate(assigned, { type: 'relates_to', task_id: a.id }, member)).status).toBe(
      201,
    );
  });

  it('answers 404 to a requester reading relations of a task it did not request', async () => {
    const a = await aTask();
    expectError(await api.get(relationsPath(a.id), as(requester)), 404, 'NOT_FOUND');
  });

  it('shows a requester only relations to tasks it requested', async () => {
    const requested = await aTask({}, requester);
    const alsoRequested = await aTask({}, requester);
    const someoneElses = await aTask();
    await related(requested, 'relates_to', alsoRequested);
    await related(requested, 'blocks', someoneElses);
    expect(await relationsOf(requested, requester)).toEqual([['relates_to', alsoRequested.id]]);
    const read = await api.get(taskPath(requested.id), as(requester));
    expect(read.body.data.relations.map((r: { task_id: string }) => r.task_id)).toEqual([
      alsoRequested.id,
    ]);
  });

  it('answers 422 with field names for a missing or bad type, a missing task_id, unknown fields', async () => {
    const a = await aTask();
    const b = await aTask();
    for (const [body, fields] of [
      [{}, ['type', 'task_id']],
      [{ type: 'depends_on', task_id: b.id }, ['type']],
      [{ type: 'duplicated_by', task_id: b.id }, ['type']],
      [{ type: 'blocks' }, ['task_id']],
      [{ type: 'blocks', task_id: '' }, ['task_id']],
      [{ type: 'blocks', task_id: b.id, note: 'x' }, ['note']],
    ] as const) {
      const reply = await relate(a, body);
      expectError(reply, 422, 'VALIDATION_ERROR');
      expect(fieldsOf(reply)).toEqual(expect.arrayContaining([...fields]));
    }
  });

  it('answers 422 on task_id for the task itself', async () => {
    const a = await aTask();
    for (const ref of [a.id, a.key]) {
      const reply = await relate(a, { type: 'relates_to', task_id: ref });
      expectError(reply, 422, 'VALIDATION_ERROR');
      expect(reply.body.error.details).toEqual([
        { field: 'task_id', message: 'A task cannot be related to itself' },
      ]);
    }
  });

  it('answers 422 alike for an unknown task, a deleted one and another organization’s', async () => {
    const a = await aTask();
    const deleted = await aTask();
    expect((await api.delete(taskPath(deleted.id), as(owner))).status).toBe(204);
    const foreign = await aTask({}, ownerB, projectB, orgB.id);
    const replies = [];
    for (const ref of [crypto.randomUUID(), deleted.id, foreign.id, foreign.key, 'nonsense']) {
      replies.push(await relate(a, { type: 'blocks', task_id: ref }));
    }
    for (const reply of replies) {
      expectError(reply, 422, 'VALIDATION_ERROR');
      expect(reply.body.error.details).toEqual([{ field: 'task_id', message: 'No such task' }]);
    }
    expect(new Set(replies.map((reply) => JSON.stringify(reply.body.error))).size).toBe(1);
    expect(await relationsOf(a)).toEqual([]);
  });

  it('answers 409 to the same relation again, asked from either side', async () => {
    const a = await aTask();
    const b = await aTask();
    await related(a, 'blocks', b);
    await related(a, 'relates_to', b);
    for (const [task, type, other] of [
      [a, 'blocks', b],
      [b, 'blocked_by', a],
      [b, 'relates_to', a],
    ] as const) {
      const reply = await relate(task, { type, task_id: other.id });
      expectError(reply, 409, 'CONFLICT');
    }
    expect(await relationsOf(b)).toEqual([
      ['blocked_by', a.id],
      ['relates_to', a.id],
    ]);
  });

  it('answers 409 to a blocking cycle: A blocks B, B blocks C, then C blocks A', async () => {
    const [a, b, c] = [await aTask(), await aTask(), await aTask()];
    await related(a, 'blocks', b);
    await related(b, 'blocks', c);
    for (const [task, type, other] of [
      [c, 'blocks', a],
      [a, 'blocked_by', c],
      [b, 'blocks', a],
    ] as const) {
      const reply = await relate(task, { type, task_id: other.id });
      expectError(reply, 409, 'CONFLICT');
      expect(reply.body.error.message).toBe('The relation would make a blocking cycle');
    }
    expect(await relationsOf(c)).toEqual([['blocked_by', b.id]]);
    const history = await api.get(`${taskPath(c.id)}/history`, as(owner));
    expect(
      history.body.data.filter((h: { action: string }) => h.action === 'relation_added'),
    ).toHaveLength(1);
  });

  it('lets one of two opposite requests made at once through, the other 409 (never a 500)', async () => {
    for (const type of ['blocks', 'relates_to', 'duplicates']) {
      const a = await aTask();
      const b = await aTask();
      const replies = await Promise.all([
        relate(a, { type, task_id: b.id }),
        relate(b, { type, task_id: a.id }),
      ]);
      expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409]);
      expect(await relationsOf(a)).toHaveLength(1);
    }
  });
});

describe('removing relations', () => {
  it('removes a relation from either task’s path (204), with relation_removed on both', async () => {
    const a = await aTask();
    const b = await aTask();
    const first = await related(a, 'blocks', b);
    expect((await unrelate(b, first.id)).status).toBe(204);
    expect(await relationsOf(a)).toEqual([]);
    expect(await relationsOf(b)).toEqual([]);
    const second = await related(a, 'relates_to', b);
    expect((await unrelate(a.key, second.id)).status).toBe(204);
    expect(await relationsOf(b)).toEqual([]);
    const history = async (task: TaskBody) =>
      (await api.get(`${taskPath(task.id)}/history`, as(owner))).body.data
        .filter((h: { action: string }) => h.action === 'relation_removed')
        .map((h: { changes: unknown }) => h.changes);
    expect(await history(a)).toEqual([
      { type: 'relates_to', task_id: b.id },
      { type: 'blocks', task_id: b.id },
    ]);
    expect(await history(b)).toEqual([
      { type: 'relates_to', task_id: a.id },
      { type: 'blocked_by', task_id: a.id },
    ]);
  });

  it('answers 404 for a relation of other tasks, an unknown or malformed id, or one removed already', async () => {
    const [a, b, c] = [await aTask(), await aTask(), await aTask()];
    const relation = await related(a, 'blocks', b);
    expectError(await unrelate(c, relation.id), 404, 'NOT_FOUND');
    expectError(await unrelate(a, crypto.randomUUID()), 404, 'NOT_FOUND');
    expectError(await unrelate(a, 'not-a-uuid'), 404, 'NOT_FOUND');
    expect((await unrelate(a, relation.id)).status).toBe(204);
    expectError(await unrelate(a, relation.id), 404, 'NOT_FOUND');
  });

  it('answers 403 to a viewer and to a member on a task it neither created nor is assigned', async () => {
    const a = await aTask();
    const mine = await aTask({}, member);
    const relation = await related(a, 'relates_to', mine);
    expectError(await unrelate(a, relation.id, viewer), 403, 'FORBIDDEN');
    expectError(await unrelate(a, relation.id, member), 403, 'FORBIDDEN');
    expect(await relationsOf(a)).toHaveLength(1);
    // From its own task's path, the member may.
    expect((await unrelate(mine, relation.id, member)).status).toBe(204);
  });

  it('hides relations to a deleted task from the other task until it is restored', async () => {
    const a = await aTask();
    const b = await aTask();
    const relation = await related(a, 'blocks', b);
    expect((await api.delete(taskPath(b.id), as(owner))).status).toBe(204);
    expect(await relationsOf(a)).toEqual([]);
    expect((await api.get(taskPath(a.id), as(owner))).body.data.relations).toEqual([]);
    expectError(await unrelate(a, relation.id), 404, 'NOT_FOUND');
    expectError(await api.get(relationsPath(b.id), as(owner)), 404, 'NOT_FOUND');
    expect((await api.post(`${taskPath(b.id)}/restore`, {}, as(owner))).status).toBe(200);
    expect(await relationsOf(a)).toEqual([['blocks', b.id]]);
  });
});
