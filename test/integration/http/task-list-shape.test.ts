// A list page (each task rendered by PostgreSQL) and a single read (the domain Task through
// presentTask) show a task the same, field by field and in the same order: both are made from
// TASK_FIELDS. The tasks here give every field a value somewhere, and each list (of the project
// in every sort order, across the organization, page by page) is checked against the single reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_FIELDS } from '../../../src/adapters/shared/task-fields.js';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { createOrganization, memberWithRole } from '../../support/tenancy.js';
import { uniqueTag } from '../../support/env.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let member: SignedInUser;
let orgPath: string;
let projectId: string;

const as = (user: SignedInUser) => ({ token: user.accessToken });

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  const org = await createOrganization(api, owner);
  orgPath = `/api/v1/organizations/${org.id}`;
  member = await memberWithRole(t, api, org.id, 'member');
  const project = await api.post(
    `${orgPath}/projects`,
    { name: 'Shapes', key: 'SHAPE', public_lookup: true },
    as(owner),
  );
  expect(project.status, JSON.stringify(project.body)).toBe(201);
  projectId = project.body.data.id;
});
afterAll(async () => {
  await t.close();
});

async function created(fields: Record<string, unknown>, by = owner) {
  const reply = await api.post(`${orgPath}/projects/${projectId}/tasks`, fields, as(by));
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.data as { id: string };
}

/** Every item of the list equals the single read of its task, without the read's relations. */
async function expectSameAsSingleReads(items: Record<string, unknown>[]) {
  for (const item of items) {
    const single = await api.get(`${orgPath}/tasks/${String(item.id)}`, as(owner));
    expect(single.status).toBe(200);
    const { relations: _relations, ...task } = single.body.data;
    expect(item).toEqual(task);
    expect(Object.keys(item)).toEqual(Object.keys(task));
  }
}

describe('a list page and the single reads', () => {
  it('show every task field by field the same, every field set somewhere', async () => {
    const statuses = await api.get(`${orgPath}/projects/${projectId}/statuses`, as(owner));
    const done = statuses.body.data.find((s: { category: string }) => s.category === 'done');
    const type = await api.post(
      `${orgPath}/projects/${projectId}/task-types`,
      { name: 'Chore' },
      as(owner),
    );
    expect(type.status).toBe(201);
    const labels = await Promise.all(
      ['a', 'b'].map((name) =>
        api.post(`${orgPath}/labels`, { name: `${name}-${uniqueTag()}` }, as(owner)),
      ),
    );
    const parent = await created({ title: 'Plain' });
    const full = await created({
      title: 'Everything "quoted" \\ and ünïcode ✓',
      description: 'Line one\nLine two\t<tab>',
      type: 'Chore',
      status_id: done.id,
      priority: 'critical',
      assignee_id: member.id,
      due_at: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      estimate_hours: 2.25,
      parent_id: parent.id,
      labels: labels.map((label) => label.body.data.id),
    });
    const patched = await api.patch(
      `${orgPath}/tasks/${full.id}`,
      { actual_hours: 1.5 },
      as(owner),
    );
    expect(patched.status).toBe(200);
    await created({ title: 'By a member', priority: 'low', estimate_hours: 0 }, member);

    const sorts = ['-created_at', 'created_at', 'due_at', 'priority', 'position'];
    for (const sort of sorts) {
      const list = await api.get(`${orgPath}/projects/${projectId}/tasks?sort=${sort}`, as(owner));
      expect(list.status).toBe(200);
      expect(list.body.data).toHaveLength(3);
      await expectSameAsSingleReads(list.body.data);
    }

    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await api.get(`${orgPath}/tasks?limit=1&sort=created_at${query}`, as(owner));
      expect(page.status).toBe(200);
      await expectSameAsSingleReads(page.body.data);
      seen.push(...page.body.data);
      cursor = page.body.meta.pagination.next_cursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(3);

    // The list shows exactly the public fields in their order, each one set on some task (a
    // listed task is never deleted, so deleted_at is null on all of them).
    for (const item of seen) {
      expect(Object.keys(item)).toEqual(TASK_FIELDS.map((field) => field.name));
      expect(item.deleted_at).toBeNull();
    }
    const unset = TASK_FIELDS.map((field) => field.name).filter(
      (name) =>
        name !== 'deleted_at' &&
        !seen.some(
          (item) => item[name] !== null && !(Array.isArray(item[name]) && item[name].length === 0),
        ),
    );
    expect(unset).toEqual([]);
    expect(seen[1]).toMatchObject({
      title: 'Everything "quoted" \\ and ünïcode ✓',
      type: 'Chore',
      status_category: 'done',
      completed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      estimate_hours: 2.25,
      actual_hours: 1.5,
      reporter_id: owner.id,
      assignee_id: member.id,
      parent_id: parent.id,
    });
    expect(seen[2]).toMatchObject({ reporter_id: member.id, estimate_hours: 0 });
  });
});
