// Identifiers through HTTP: wherever a request names a task, a status or a label by UUID, a task key
// (`RE-12`), a status name or a label name does too, in any case, resolved within the caller's
// organization (a status within the task's or the list's project). Each field with a UUID, a key
// or name, a wrong-case name, an unknown one, another organization's (never resolves) and, for
// tasks, another project's key (the answer a foreign UUID gets).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import {
  createOrganization,
  httpBuilders,
  signIn,
  type ProjectFixture,
  type SignedInUser,
  type TestOrganization,
} from '../../support/builders/http.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;
let stranger: SignedInUser;
let otherOrg: TestOrganization;

interface TaskBody {
  id: string;
  key: string;
  project_id: string;
  status_id: string;
  parent_id: string | null;
  labels: string[];
  position: number;
  version: number;
}

const { aProject, aTask } = httpBuilders<TaskBody>(() => ({ api, owner, org }));

const as = (user: SignedInUser) => ({ token: user.accessToken });
const orgPath = (orgId = org.id) => `/api/v1/organizations/${orgId}`;

/** The project (`by` in `orgId`) with `extra` appended to its default workflow. */
async function withStatus(extra: string, by = owner, orgId = org.id): Promise<ProjectFixture> {
  const project = await aProject(by, orgId);
  const reply = await api.put(
    `${orgPath(orgId)}/projects/${project.id}/statuses`,
    [...project.statuses, { name: extra, category: 'in_progress' }],
    as(by),
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return { ...project, statuses: reply.body.data };
}

async function aLabel(name: string, by = owner, orgId = org.id): Promise<string> {
  const reply = await api.post(`${orgPath(orgId)}/labels`, { name }, as(by));
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.data.id;
}

const statusId = (project: ProjectFixture, name: string) =>
  project.statuses.find((status) => status.name === name)!.id;

/** A 422 whose details are exactly `details`. */
function expectInvalid(reply: Reply, details: { field: string; message: string }[]) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(422);
  expect(reply.body.error.code).toBe('VALIDATION_ERROR');
  expect(reply.body.error.details).toEqual(details);
}

let project: ProjectFixture; // default workflow plus "Blocked"
let sibling: ProjectFixture; // another project of the organization, default workflow
let foreign: ProjectFixture; // the other organization's, default workflow plus "Elsewhere"
let bug: string;
let foreignTask: TaskBody;
let siblingTask: TaskBody;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  stranger = await signIn(t, api);
  otherOrg = await createOrganization(api, stranger);
  project = await withStatus('Blocked');
  sibling = await aProject();
  foreign = await withStatus('Elsewhere', stranger, otherOrg.id);
  bug = await aLabel('Bug');
  // The other organization has a label of the same name, and one of its own.
  await aLabel('Bug', stranger, otherOrg.id);
  await aLabel('Secret', stranger, otherOrg.id);
  foreignTask = await aTask(foreign, {}, stranger, otherOrg.id);
  siblingTask = await aTask(sibling);
});

afterAll(async () => {
  await t.close();
});

const create = (fields: Record<string, unknown>) =>
  api.post(`${orgPath()}/projects/${project.id}/tasks`, { title: 'Named', ...fields }, as(owner));

describe('creating a task', () => {
  it('takes status_id as a UUID, a name or a wrong-case name', async () => {
    for (const [given, name] of [
      [statusId(project, 'Done'), 'Done'],
      ['Blocked', 'Blocked'],
      ['  in review ', 'In Review'],
    ] as const) {
      const reply = await create({ status_id: given });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body.data.status_id).toBe(statusId(project, name));
    }
  });

  it('refuses an unknown status name, another project’s and another organization’s', async () => {
    expectInvalid(await create({ status_id: 'Doing' }), [
      { field: 'status_id', message: 'No status named “Doing” in the task’s project' },
    ]);
    // "Blocked" is a status of `project` only; "Elsewhere" only of the other organization's.
    const inSibling = await api.post(
      `${orgPath()}/projects/${sibling.id}/tasks`,
      { title: 'Named', status_id: 'blocked' },
      as(owner),
    );
    expectInvalid(inSibling, [
      { field: 'status_id', message: 'No status named “blocked” in the task’s project' },
    ]);
    expectInvalid(await create({ status_id: 'Elsewhere' }), [
      { field: 'status_id', message: 'No status named “Elsewhere” in the task’s project' },
    ]);
    expectInvalid(await create({ status_id: statusId(foreign, 'Done') }), [
      { field: 'status_id', message: 'Not a status of the task’s project' },
    ]);
  });

  it('takes labels as UUIDs and names in any case, each once', async () => {
    const reply = await create({ labels: [bug, 'bug', ' BUG '] });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body.data.labels).toEqual([bug]);
  });

  it('refuses an unknown label name and another organization’s label names', async () => {
    expectInvalid(await create({ labels: ['Bug', 'Nope', 'Secret'] }), [
      { field: 'labels.1', message: 'No label named “Nope” in the organization' },
      { field: 'labels.2', message: 'No label named “Secret” in the organization' },
    ]);
  });

  it('takes parent_id as a key in any case; another project’s or organization’s is refused', async () => {
    const parent = await aTask(project);
    const reply = await create({ parent_id: parent.key.toLowerCase() });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body.data.parent_id).toBe(parent.id);
    const sameProject = { field: 'parent_id', message: 'Must be a task of the same project' };
    expectInvalid(await create({ parent_id: siblingTask.key }), [sameProject]);
    expectInvalid(await create({ parent_id: siblingTask.id }), [sameProject]);
    expectInvalid(await create({ parent_id: foreignTask.key }), [sameProject]);
    expectInvalid(await create({ parent_id: `${project.key}-999` }), [sameProject]);
  });
});

describe('changing a task', () => {
  it('takes status_id, labels and parent_id by name and key', async () => {
    const parent = await aTask(project);
    const task = await aTask(project);
    const reply = await api.patch(
      `${orgPath()}/tasks/${task.key}`,
      { status_id: 'BLOCKED', labels: ['bug'], parent_id: parent.key },
      as(owner),
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.data).toMatchObject({
      status_id: statusId(project, 'Blocked'),
      labels: [bug],
      parent_id: parent.id,
    });
  });

  it('keeps the task in its place when a name names its own status', async () => {
    const task = await aTask(project);
    await aTask(project); // below it: a status change would send the task under this one
    const reply = await api.patch(
      `${orgPath()}/tasks/${task.id}`,
      { status_id: 'to do' },
      as(owner),
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.data).toMatchObject({ status_id: task.status_id, position: task.position });
  });

  it('refuses unknown and foreign names with the field named', async () => {
    const task = await aTask(project);
    const path = `${orgPath()}/tasks/${task.id}`;
    expectInvalid(await api.patch(path, { status_id: 'Elsewhere' }, as(owner)), [
      { field: 'status_id', message: 'No status named “Elsewhere” in the task’s project' },
    ]);
    expectInvalid(await api.patch(path, { labels: ['Secret'] }, as(owner)), [
      { field: 'labels.0', message: 'No label named “Secret” in the organization' },
    ]);
    expectInvalid(await api.patch(path, { parent_id: foreignTask.key }, as(owner)), [
      { field: 'parent_id', message: 'Must be a task of the same project' },
    ]);
  });
});

describe('a kanban move', () => {
  const move = (task: TaskBody, body: Record<string, unknown>) =>
    api.post(`${orgPath()}/tasks/${task.key}/move`, body, as(owner));

  it('takes the column by name and the neighbour by key, as it takes UUIDs', async () => {
    const [a, b, moving] = [await aTask(project), await aTask(project), await aTask(project)];
    const done = statusId(project, 'Done');
    expect((await move(a, { status_id: done })).status).toBe(200);
    expect((await move(b, { status_id: 'DONE', after_id: a.key.toLowerCase() })).status).toBe(200);
    const before = await move(moving, { status_id: 'done', before_id: b.key });
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    const column = await api.get(
      `${orgPath()}/projects/${project.id}/tasks?status_id=Done&sort=position`,
      as(owner),
    );
    expect(column.status).toBe(200);
    const ours = new Set([a.key, b.key, moving.key]);
    const order = column.body.data
      .map((task: TaskBody) => task.key)
      .filter((key: string) => ours.has(key));
    expect(order).toEqual([a.key, moving.key, b.key]);
  });

  it('refuses an unknown column name or neighbour key; another project’s key as its UUID', async () => {
    const task = await aTask(project);
    expectInvalid(await move(task, { status_id: 'Elsewhere' }), [
      { field: 'status_id', message: 'No status named “Elsewhere” in the task’s project' },
    ]);
    expectInvalid(await move(task, { status_id: 'Done', before_id: `${project.key}-999` }), [
      {
        field: 'before_id',
        message: `No task with the key “${project.key}-999” in the organization`,
      },
    ]);
    expectInvalid(await move(task, { status_id: 'Done', after_id: foreignTask.key }), [
      {
        field: 'after_id',
        message: `No task with the key “${foreignTask.key}” in the organization`,
      },
    ]);
    const notInColumn = { field: 'after_id', message: 'Must be another task of the target column' };
    expectInvalid(await move(task, { status_id: 'To Do', after_id: siblingTask.key }), [
      notInColumn,
    ]);
    expectInvalid(await move(task, { status_id: 'To Do', after_id: siblingTask.id }), [
      notInColumn,
    ]);
  });
});

describe('bulk changes', () => {
  const bulk = (body: Record<string, unknown>) =>
    api.post(`${orgPath()}/tasks/bulk`, body, as(owner));

  it('takes tasks by key, a status by name in each task’s project, labels by name', async () => {
    const [mine, theirs] = [await aTask(project), await aTask(sibling)];
    const reply = await bulk({
      task_ids: [mine.key.toLowerCase(), theirs.id],
      set: { status_id: 'done', labels_add: ['BUG'] },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.data.results).toMatchObject([
      { task_id: mine.key.toLowerCase(), status: 'updated', task: { id: mine.id } },
      { task_id: theirs.id, status: 'updated', task: { id: theirs.id } },
    ]);
    const after = await api.get(`${orgPath()}/tasks/${theirs.key}`, as(owner));
    expect(after.body.data).toMatchObject({ status_id: statusId(sibling, 'Done'), labels: [bug] });
    const removed = await bulk({ task_ids: [theirs.key], set: { labels_remove: ['bug'] } });
    expect(removed.body.data.results).toMatchObject([{ status: 'updated' }]);
  });

  it('fails an unknown key or another organization’s like an unknown id', async () => {
    const task = await aTask(project);
    const reply = await bulk({
      task_ids: [task.key, `${project.key}-999`, foreignTask.key, foreignTask.id],
      set: { priority: 'high' },
      partial: true,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const notFound = { status: 'failed', error: { code: 'NOT_FOUND', message: 'task not found' } };
    expect(reply.body.data.results).toEqual([
      expect.objectContaining({ task_id: task.key, status: 'updated' }),
      { task_id: `${project.key}-999`, ...notFound },
      { task_id: foreignTask.key, ...notFound },
      { task_id: foreignTask.id, ...notFound },
    ]);
  });

  it('fails a status name a task’s project does not have', async () => {
    const [mine, theirs] = [await aTask(project), await aTask(sibling)];
    const reply = await bulk({ task_ids: [mine.id, theirs.id], set: { status_id: 'blocked' } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(409);
    expect(reply.body.error.details).toEqual([
      {
        field: 'task_ids.1',
        message: 'VALIDATION_ERROR: status_id: No status named “blocked” in the task’s project',
      },
    ]);
  });

  it('refuses a task named twice (key and id), and unknown or foreign label names', async () => {
    const task = await aTask(project);
    expectInvalid(await bulk({ task_ids: [task.id, task.key], set: { priority: 'low' } }), [
      { field: 'task_ids.1', message: 'Repeats task_ids.0' },
    ]);
    expectInvalid(await bulk({ task_ids: [task.id], set: { labels_add: ['Bug', 'Secret'] } }), [
      { field: 'set.labels_add.1', message: 'No label named “Secret” in the organization' },
    ]);
    expectInvalid(await bulk({ task_ids: [task.id], set: { labels_remove: ['nope'] } }), [
      { field: 'set.labels_remove.0', message: 'No label named “nope” in the organization' },
    ]);
    expectInvalid(
      await bulk({ task_ids: [task.id], set: { labels_add: [bug], labels_remove: ['bug'] } }),
      [{ field: 'set.labels_add.0', message: 'Also in labels_remove' }],
    );
  });
});

describe('list filters', () => {
  const keysOf = (reply: Reply) => reply.body.data.map((task: TaskBody) => task.key).sort();
  let parent: TaskBody;
  let blocked: TaskBody;
  let labelled: TaskBody;
  let child: TaskBody;
  let siblingDone: TaskBody;
  let list: ProjectFixture;

  beforeAll(async () => {
    list = await withStatus('Blocked');
    parent = await aTask(list);
    blocked = await aTask(list, { status_id: 'Blocked' });
    labelled = await aTask(list, { labels: ['Bug'] });
    child = await aTask(list, { parent_id: parent.key, status_id: 'Done' });
    siblingDone = await aTask(sibling, { status_id: 'Done' });
  });

  const listOf = (query: string) =>
    api.get(`${orgPath()}/projects/${list.id}/tasks?${query}`, as(owner));

  it('takes status_id, label and parent_id by UUID, name or key, in any case', async () => {
    for (const query of [`status_id=${statusId(list, 'Blocked')}`, 'status_id=blocked']) {
      expect(keysOf(await listOf(query))).toEqual([blocked.key]);
    }
    for (const query of [`label=${bug}`, 'label=BUG']) {
      expect(keysOf(await listOf(query))).toEqual([labelled.key]);
    }
    for (const query of [`parent_id=${parent.id}`, `parent_id=${parent.key.toLowerCase()}`]) {
      expect(keysOf(await listOf(query))).toEqual([child.key]);
    }
  });

  it('across the organization, a status name matches that status in every project', async () => {
    const reply = await api.get(
      `${orgPath()}/tasks?status_id=DONE&limit=100&sort=created_at`,
      as(owner),
    );
    expect(reply.status).toBe(200);
    const keys = keysOf(reply);
    expect(keys).toEqual(expect.arrayContaining([child.key, siblingDone.key]));
    const done = new Set([
      statusId(list, 'Done'),
      statusId(sibling, 'Done'),
      statusId(project, 'Done'),
    ]);
    expect(reply.body.data.every((task: TaskBody) => done.has(task.status_id))).toBe(true);
  });

  it('refuses a name or key that names nothing, or only in another organization', async () => {
    expectInvalid(await listOf('status_id=Elsewhere'), [
      { field: 'status_id', message: 'No status named “Elsewhere” in the project' },
    ]);
    expectInvalid(await api.get(`${orgPath()}/tasks?status_id=Elsewhere`, as(owner)), [
      {
        field: 'status_id',
        message: 'No status named “Elsewhere” in any project of the organization',
      },
    ]);
    expectInvalid(await listOf('label=Secret'), [
      { field: 'label', message: 'No label named “Secret” in the organization' },
    ]);
    expectInvalid(await listOf(`parent_id=${foreignTask.key}`), [
      {
        field: 'parent_id',
        message: `No task with the key “${foreignTask.key}” in the organization`,
      },
    ]);
    // An unknown UUID is still no error: it matches nothing.
    const unknown = await listOf(`status_id=${statusId(foreign, 'Done')}`);
    expect(unknown.status).toBe(200);
    expect(unknown.body.data).toEqual([]);
  });

  it('answers 404 for an unknown project before the name', async () => {
    const reply = await api.get(`${orgPath()}/projects/NOPE/tasks?status_id=Blocked`, as(owner));
    expect(reply.status).toBe(404);
  });

  it('search takes its project by key', async () => {
    const word = 'quokka';
    const task = await aTask(list, { title: `Find the ${word}` });
    const reply = await api.get(
      `${orgPath()}/search?q=${word}&project_id=${list.key.toLowerCase()}`,
      as(owner),
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.data.map((hit: TaskBody) => hit.key)).toEqual([task.key]);
    const foreignProject = await api.get(
      `${orgPath()}/search?q=${word}&project_id=${foreign.key}`,
      as(owner),
    );
    expect(foreignProject.status).toBe(404);
  });
});
