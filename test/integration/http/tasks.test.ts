// Tasks through HTTP: create with gapless keys, read by id or key with ETag, PATCH every field
// with If-Match, completed_at, the parent rules, soft delete and restore, history, and who may do
// what (member on its own tasks, viewer nothing, requester only what it requested, strangers 404).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';
import { aKey, httpBuilders, type ProjectFixture } from '../../support/builders/http.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let manager: SignedInUser;
let member: SignedInUser;
let viewer: SignedInUser;
let requester: SignedInUser;
let org: TestOrganization;
let ownerB: SignedInUser;
let orgB: TestOrganization;

const as = (user: SignedInUser | undefined, headers: Record<string, string> = {}) => ({
  token: user?.accessToken,
  headers,
});
const orgPath = (orgId: string = org.id) => `/api/v1/organizations/${orgId}`;
const taskPath = (ref: string, orgId: string = org.id) => `${orgPath(orgId)}/tasks/${ref}`;

const { aProject, aTask } = httpBuilders(() => ({ api, owner, org }), {
  taskTitle: () => 'Write the notes',
});

let project: ProjectFixture;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  manager = await memberWithRole(t, api, org.id, 'manager');
  member = await memberWithRole(t, api, org.id, 'member');
  viewer = await memberWithRole(t, api, org.id, 'viewer');
  requester = await memberWithRole(t, api, org.id, 'requester');
  ownerB = await signIn(t, api);
  orgB = await createOrganization(api, ownerB);
  project = await aProject();
});
afterAll(async () => {
  await t.close();
});

describe('creating tasks', () => {
  it('gives keys 1, 2, 3 in the project, defaults, the first status, and an ETag', async () => {
    const fresh = await aProject();
    const first = await aTask(fresh);
    const second = await aTask(fresh, { title: '  Second  ', priority: 'high' });
    expect(first).toMatchObject({
      key: `${fresh.key}-1`,
      project_id: fresh.id,
      title: 'Write the notes',
      description: '',
      status_id: fresh.statuses[0]!.id,
      status_category: 'todo',
      priority: 'medium',
      assignee_id: null,
      reporter_id: owner.id,
      parent_id: null,
      labels: [],
      completed_at: null,
      deleted_at: null,
      version: 1,
    });
    expect(second).toMatchObject({ key: `${fresh.key}-2`, title: 'Second', priority: 'high' });
    expect(second.position).toBeGreaterThan(first.position);
    const read = await api.get(taskPath(first.id), as(owner));
    expect(read.headers.get('etag')).toBe('"1"');
  });

  it('sets completed_at when created in a done status, and takes type, labels, assignee, due date', async () => {
    const type = await api.post(
      `${orgPath()}/projects/${project.id}/task-types`,
      { name: 'Incident' },
      as(owner),
    );
    const label = await api.post(
      `${orgPath()}/labels`,
      { name: `urgent-${aKey()}`, color: '#ff0000' },
      as(owner),
    );
    const done = project.statuses.find((s) => s.category === 'done')!;
    const due = new Date(Date.now() + 86_400_000).toISOString();
    const task = await aTask(project, {
      status_id: done.id,
      type: 'incident',
      labels: [label.body.data.id],
      assignee_id: member.id,
      due_at: due,
      estimate_hours: 3.5,
      description: 'All of it',
    });
    expect(task).toMatchObject({
      status_id: done.id,
      status_category: 'done',
      type: 'Incident',
      type_id: type.body.data.id,
      labels: [label.body.data.id],
      assignee_id: member.id,
      due_at: due,
      estimate_hours: 3.5,
      description: 'All of it',
    });
    expect(task.completed_at).not.toBeNull();
  });

  it('takes the seeded types of a fresh project by name, whatever their case', async () => {
    const fresh = await aProject();
    const types = await api.get(`${orgPath()}/projects/${fresh.id}/task-types`, as(owner));
    const idOf = (name: string) =>
      types.body.data.find((type: { name: string }) => type.name === name).id;
    for (const [given, name] of [
      ['bug', 'Bug'],
      ['Task', 'Task'],
      [' STORY ', 'Story'],
    ]) {
      const task = await aTask(fresh, { type: given });
      expect(task).toMatchObject({ type: name, type_id: idOf(name!) });
    }
  });

  it.each([
    [{ title: '   ' }, 'title'],
    [{ title: 'x', due_at: '2020-01-01T00:00:00Z' }, 'due_at'],
    [{ title: 'x', status_id: crypto.randomUUID() }, 'status_id'],
    [{ title: 'x', type: 'Nope' }, 'type'],
    [{ title: 'x', labels: [crypto.randomUUID()] }, 'labels'],
    [{ title: 'x', assignee_id: crypto.randomUUID() }, 'assignee_id'],
    [{ title: 'x', parent_id: crypto.randomUUID() }, 'parent_id'],
    [{ title: 'x', estimate_hours: -1 }, 'estimate_hours'],
    [{ title: 'x', priority: 'urgent' }, 'priority'],
  ])('refuses %j with 422 naming %s', async (body, field) => {
    const reply = await api.post(`${orgPath()}/projects/${project.id}/tasks`, body, as(owner));
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    expect(reply.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('refuses an assignee who is a member of another organization only', async () => {
    const reply = await api.post(
      `${orgPath()}/projects/${project.id}/tasks`,
      { title: 'x', assignee_id: ownerB.id },
      as(owner),
    );
    expect(reply.status).toBe(422);
  });

  it('lets a requester create, refuses a viewer (403) and another organization (404)', async () => {
    expect((await aTask(project, {}, requester)).reporter_id).toBe(requester.id);
    const path = `${orgPath()}/projects/${project.id}/tasks`;
    expect((await api.post(path, { title: 'x' }, as(viewer))).status).toBe(403);
    const stranger = await api.post(path, { title: 'x' }, as(ownerB));
    expect(stranger.status).toBe(404);
    expect(JSON.stringify(stranger.body)).not.toContain(project.id);
  });
});

describe('reading tasks', () => {
  it('finds a task by id and by key, and 404s for anything else', async () => {
    const task = await aTask(project);
    expect((await api.get(taskPath(task.key), as(viewer))).body.data.id).toBe(task.id);
    expect((await api.get(taskPath(task.id), as(viewer))).body.data.key).toBe(task.key);
    for (const ref of [`${project.key}-999999`, 'nonsense', crypto.randomUUID(), 'ZZ-1']) {
      expect((await api.get(taskPath(ref), as(owner))).status).toBe(404);
    }
  });

  it('answers 404 to another organization’s owner, by id and by key', async () => {
    const task = await aTask(project);
    for (const ref of [task.id, task.key]) {
      const reply = await api.get(taskPath(ref), as(ownerB));
      expect(reply.status).toBe(404);
      expect(JSON.stringify(reply.body)).not.toContain(task.id);
      expect((await api.get(taskPath(ref, orgB.id), as(ownerB))).status).toBe(404);
    }
  });

  it('shows a requester only the tasks it requested (read, list, history)', async () => {
    const mine = await aTask(project, { title: 'Mine' }, requester);
    const others = await aTask(project, { title: 'Not mine' });
    expect((await api.get(taskPath(mine.key), as(requester))).status).toBe(200);
    expect((await api.get(taskPath(others.key), as(requester))).status).toBe(404);
    expect((await api.get(`${taskPath(others.key)}/history`, as(requester))).status).toBe(404);
    const list = await api.get(
      `${orgPath()}/projects/${project.id}/tasks?limit=200`,
      as(requester),
    );
    expect(list.status).toBe(200);
    const keys = list.body.data.map((task: { key: string }) => task.key);
    expect(keys).toContain(mine.key);
    expect(keys).not.toContain(others.key);
    const everywhere = await api.get(`${orgPath()}/tasks?limit=200`, as(requester));
    expect(
      everywhere.body.data.every(
        (task: { reporter_id: string }) => task.reporter_id === requester.id,
      ),
    ).toBe(true);
  });
});

describe('changing tasks', () => {
  it('changes fields, bumps the version, and writes one history row with from/to', async () => {
    const task = await aTask(project);
    const reply = await api.patch(
      taskPath(task.key),
      { title: 'Renamed', priority: 'critical', actual_hours: 2, assignee_id: member.id },
      as(owner, { 'If-Match': '"1"' }),
    );
    expect(reply.status).toBe(200);
    expect(reply.headers.get('etag')).toBe('"2"');
    expect(reply.body.data).toMatchObject({
      title: 'Renamed',
      priority: 'critical',
      actual_hours: 2,
      assignee_id: member.id,
      version: 2,
    });
    const history = await api.get(`${taskPath(task.id)}/history`, as(viewer));
    expect(history.body.data.map((h: { action: string }) => h.action)).toEqual([
      'updated',
      'created',
    ]);
    expect(history.body.data[0]).toMatchObject({
      actor_id: owner.id,
      changes: {
        title: { from: 'Write the notes', to: 'Renamed' },
        priority: { from: 'medium', to: 'critical' },
        actual_hours: { from: null, to: 2 },
        assignee_id: { from: null, to: member.id },
      },
    });
  });

  it('answers 412 to a stale If-Match and changes nothing', async () => {
    const task = await aTask(project);
    const stale = await api.patch(
      taskPath(task.id),
      { title: 'No' },
      as(owner, { 'If-Match': '"7"' }),
    );
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
    const read = await api.get(taskPath(task.id), as(owner));
    expect(read.body.data).toMatchObject({ title: 'Write the notes', version: 1 });
  });

  it('bumps the version without If-Match too', async () => {
    const task = await aTask(project);
    const reply = await api.patch(taskPath(task.id), { description: 'More' }, as(owner));
    expect(reply.body.data.version).toBe(2);
  });

  it('sets completed_at entering a done status and clears it leaving', async () => {
    const task = await aTask(project);
    const done = project.statuses.find((s) => s.category === 'done')!;
    const doing = project.statuses.find((s) => s.category === 'in_progress')!;
    const finished = await api.patch(taskPath(task.id), { status_id: done.id }, as(owner));
    expect(finished.body.data.completed_at).not.toBeNull();
    const reopened = await api.patch(taskPath(task.id), { status_id: doing.id }, as(owner));
    expect(reopened.body.data).toMatchObject({
      status_category: 'in_progress',
      completed_at: null,
    });
  });

  it('refuses empty and unknown fields (422) and a status of another project', async () => {
    const task = await aTask(project);
    const other = await aProject();
    expect((await api.patch(taskPath(task.id), {}, as(owner))).status).toBe(422);
    expect((await api.patch(taskPath(task.id), { key: 'X-1' }, as(owner))).status).toBe(422);
    const wrong = await api.patch(
      taskPath(task.id),
      { status_id: other.statuses[0]!.id },
      as(owner),
    );
    expect(wrong.status).toBe(422);
  });

  it('lets a member change only what it created or is assigned (403 otherwise), a viewer nothing', async () => {
    const owners = await aTask(project);
    const assigned = await aTask(project, { assignee_id: member.id });
    const created = await aTask(project, {}, member);
    expect((await api.patch(taskPath(owners.id), { title: 'x' }, as(member))).status).toBe(403);
    expect((await api.patch(taskPath(assigned.id), { title: 'x' }, as(member))).status).toBe(200);
    expect((await api.patch(taskPath(created.id), { title: 'x' }, as(member))).status).toBe(200);
    expect((await api.delete(taskPath(owners.id), as(member))).status).toBe(403);
    expect((await api.patch(taskPath(owners.id), { title: 'x' }, as(viewer))).status).toBe(403);
    expect((await api.patch(taskPath(owners.id), { title: 'x' }, as(manager))).status).toBe(200);
    expect((await api.patch(taskPath(owners.id), { title: 'x' }, as(ownerB))).status).toBe(404);
  });
});

describe('subtasks', () => {
  it('keeps a parent in the same project, refuses cycles and nesting deeper than 5', async () => {
    const other = await aProject();
    const foreign = await aTask(other);
    const refused = await api.post(
      `${orgPath()}/projects/${project.id}/tasks`,
      { title: 'x', parent_id: foreign.id },
      as(owner),
    );
    expect(refused.status).toBe(422);

    const chain = [await aTask(project)];
    for (let level = 2; level <= 5; level += 1) {
      chain.push(await aTask(project, { parent_id: chain.at(-1)!.key }));
    }
    expect(chain[4]!.parent_id).toBe(chain[3]!.id);
    const tooDeep = await api.post(
      `${orgPath()}/projects/${project.id}/tasks`,
      { title: 'x', parent_id: chain[4]!.id },
      as(owner),
    );
    expect(tooDeep.status).toBe(422);
    expect(tooDeep.body.error.details[0].field).toBe('parent_id');

    const cycle = await api.patch(taskPath(chain[0]!.id), { parent_id: chain[2]!.id }, as(owner));
    expect(cycle.status).toBe(422);
    const self = await api.patch(taskPath(chain[0]!.id), { parent_id: chain[0]!.id }, as(owner));
    expect(self.status).toBe(422);
    // Moving a 2-level subtree under a level-4 task would make 6 levels.
    const lone = await aTask(project);
    await aTask(project, { parent_id: lone.id });
    const deep = await api.patch(taskPath(lone.id), { parent_id: chain[3]!.id }, as(owner));
    expect(deep.status).toBe(422);
    const fine = await api.patch(taskPath(lone.id), { parent_id: chain[2]!.id }, as(owner));
    expect(fine.status).toBe(200);
    const children = await api.get(
      `${orgPath()}/projects/${project.id}/tasks?parent_id=${chain[2]!.id}`,
      as(owner),
    );
    expect(children.body.data.map((c: { id: string }) => c.id).sort()).toEqual(
      [chain[3]!.id, lone.id].sort(),
    );
  });
});

describe('deleting and restoring', () => {
  it('soft-deletes (404 after), keeps the key taken, restores where it was', async () => {
    const task = await aTask(project);
    expect((await api.delete(taskPath(task.id), as(owner, { 'If-Match': '"9"' }))).status).toBe(
      412,
    );
    expect((await api.delete(taskPath(task.id), as(owner, { 'If-Match': '"1"' }))).status).toBe(
      204,
    );
    expect((await api.get(taskPath(task.key), as(owner))).status).toBe(404);
    const next = await aTask(project);
    expect(Number(next.key.split('-')[1])).toBeGreaterThan(Number(task.key.split('-')[1]));
    const restored = await api.post(`${taskPath(task.key)}/restore`, {}, as(owner));
    expect(restored.status).toBe(200);
    expect(restored.body.data).toMatchObject({
      id: task.id,
      key: task.key,
      deleted_at: null,
      version: 3,
    });
    expect((await api.post(`${taskPath(task.key)}/restore`, {}, as(owner))).status).toBe(409);
    const history = await api.get(`${taskPath(task.id)}/history`, as(owner));
    expect(history.body.data.map((h: { action: string }) => h.action)).toEqual([
      'restored',
      'deleted',
      'created',
    ]);
  });

  it('hides the tasks of a deleted project', async () => {
    const doomed = await aProject();
    const task = await aTask(doomed);
    expect((await api.delete(`${orgPath()}/projects/${doomed.id}`, as(owner))).status).toBe(204);
    expect((await api.get(taskPath(task.id), as(owner))).status).toBe(404);
    const all = await api.get(`${orgPath()}/tasks?limit=200`, as(owner));
    expect(all.body.data.map((x: { id: string }) => x.id)).not.toContain(task.id);
  });
});

describe('history pages', () => {
  it('pages newest first with a cursor', async () => {
    const task = await aTask(project);
    for (let i = 0; i < 4; i += 1) {
      await api.patch(taskPath(task.id), { title: `Title ${i}` }, as(owner));
    }
    const first = await api.get(`${taskPath(task.id)}/history?limit=3`, as(owner));
    expect(first.body.data).toHaveLength(3);
    expect(first.body.meta.pagination.has_more).toBe(true);
    const second = await api.get(
      `${taskPath(task.id)}/history?limit=3&cursor=${first.body.meta.pagination.next_cursor}`,
      as(owner),
    );
    expect(second.body.data).toHaveLength(2);
    expect(second.body.data.at(-1).action).toBe('created');
    expect(second.body.meta.pagination.has_more).toBe(false);
    expect((await api.get(`${taskPath(task.id)}/history?cursor=bad`, as(owner))).status).toBe(422);
  });
});

describe('changes that reach tasks from elsewhere', () => {
  it('deleting a label takes it off its tasks, each with a new version and a history row', async () => {
    const keep = await api.post(`${orgPath()}/labels`, { name: `keep-${aKey()}` }, as(owner));
    const drop = await api.post(`${orgPath()}/labels`, { name: `drop-${aKey()}` }, as(owner));
    const labels = [keep.body.data.id, drop.body.data.id].sort();
    const task = await aTask(project, { labels });
    const untouched = await aTask(project, { labels: [keep.body.data.id] });
    expect((await api.delete(`${orgPath()}/labels/${drop.body.data.id}`, as(owner))).status).toBe(
      204,
    );
    const read = await api.get(taskPath(task.id), as(owner));
    expect(read.body.data).toMatchObject({ labels: [keep.body.data.id], version: 2 });
    const history = await api.get(`${taskPath(task.id)}/history`, as(owner));
    expect(history.body.data[0]).toMatchObject({
      action: 'updated',
      actor_id: owner.id,
      changes: { labels: { from: labels, to: [keep.body.data.id] } },
    });
    expect((await api.get(taskPath(untouched.id), as(owner))).body.data.version).toBe(1);
  });

  it('deleting a task type clears it from its tasks with a history row', async () => {
    const fresh = await aProject();
    const type = await api.post(
      `${orgPath()}/projects/${fresh.id}/task-types`,
      { name: 'Incident' },
      as(owner),
    );
    const task = await aTask(fresh, { type: 'Incident' });
    const removed = await api.delete(
      `${orgPath()}/projects/${fresh.id}/task-types/${type.body.data.id}`,
      as(owner),
    );
    expect(removed.status).toBe(204);
    const read = await api.get(taskPath(task.id), as(owner));
    expect(read.body.data).toMatchObject({ type: null, type_id: null, version: 2 });
    const history = await api.get(`${taskPath(task.id)}/history`, as(owner));
    expect(history.body.data[0].changes).toEqual({
      type_id: { from: type.body.data.id, to: null },
    });
  });

  it('a status that becomes done completes its tasks, with a history row', async () => {
    const fresh = await aProject();
    const review = fresh.statuses[2]!;
    const task = await aTask(fresh, { status_id: review.id });
    const replaced = await api.put(
      `${orgPath()}/projects/${fresh.id}/statuses`,
      fresh.statuses.map(({ id, name, category }) => ({
        id,
        name,
        category: id === review.id ? 'done' : category,
      })),
      as(owner),
    );
    expect(replaced.status).toBe(200);
    const read = await api.get(taskPath(task.id), as(owner));
    expect(read.body.data.status_category).toBe('done');
    expect(read.body.data.completed_at).not.toBeNull();
    const history = await api.get(`${taskPath(task.id)}/history`, as(owner));
    expect(history.body.data[0]).toMatchObject({
      action: 'updated',
      changes: { completed_at: { from: null, to: read.body.data.completed_at } },
    });
  });
});

describe('list pages built by the database', () => {
  it('show each task exactly as a single read does, every field set or empty', async () => {
    const fresh = await aProject();
    await api.post(`${orgPath()}/projects/${fresh.id}/task-types`, { name: 'Chore' }, as(owner));
    const labelA = await api.post(`${orgPath()}/labels`, { name: `a-${aKey()}` }, as(owner));
    const labelB = await api.post(`${orgPath()}/labels`, { name: `b-${aKey()}` }, as(owner));
    const parent = await aTask(fresh, { title: 'Plain' });
    const full = await aTask(fresh, {
      title: 'Everything "quoted" \\ and ünïcode ✓',
      description: 'Line one\nLine two\t<tab>',
      type: 'Chore',
      status_id: fresh.statuses[3]!.id,
      priority: 'critical',
      assignee_id: member.id,
      due_at: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      estimate_hours: 2.25,
      parent_id: parent.id,
      labels: [labelA.body.data.id, labelB.body.data.id],
    });
    await api.patch(taskPath(full.id), { actual_hours: 1.5 }, as(owner));
    const list = await api.get(
      `${orgPath()}/projects/${fresh.id}/tasks?sort=created_at`,
      as(owner),
    );
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toMatch(/^application\/json/);
    expect(list.body.data).toHaveLength(2);
    for (const item of list.body.data) {
      const single = await api.get(taskPath(item.id), as(owner));
      const { relations: _relations, ...task } = single.body.data;
      expect(item).toEqual(task);
      expect(Object.keys(item)).toEqual(Object.keys(task));
    }
    expect(list.body.data[1]).toMatchObject({
      title: 'Everything "quoted" \\ and ünïcode ✓',
      completed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      estimate_hours: 2.25,
      actual_hours: 1.5,
      type: 'Chore',
    });
  });
});
