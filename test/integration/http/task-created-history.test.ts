// The history of a task's creation through HTTP: the change from nothing, `{field: {from: null,
// to}}` for the key and every field the new task has set (docs/api.md), like every other change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { createOrganization, type TestOrganization } from '../../support/tenancy.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;

const as = (user: SignedInUser) => ({ token: user.accessToken });
const orgPath = () => `/api/v1/organizations/${org.id}`;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await t.close();
});

describe('a created history entry', () => {
  it('records every field set as {from: null, to}', async () => {
    const project = await api.post(
      `${orgPath()}/projects`,
      { name: 'Diary', key: 'CH' },
      as(owner),
    );
    expect(project.status).toBe(201);
    const statuses = await api.get(
      `${orgPath()}/projects/${project.body.data.id}/statuses`,
      as(owner),
    );
    const done = statuses.body.data.at(-1);
    const created = await api.post(
      `${orgPath()}/projects/${project.body.data.id}/tasks`,
      { title: 'Write it down', description: 'All of it', status_id: done.id, estimate_hours: 3 },
      as(owner),
    );
    expect(created.status).toBe(201);
    const task = created.body.data;
    const history = await api.get(`${orgPath()}/tasks/${task.id}/history`, as(owner));
    expect(history.status).toBe(200);
    expect(history.body.data).toHaveLength(1);
    expect(history.body.data[0]).toMatchObject({ action: 'created', actor_id: owner.id });
    expect(history.body.data[0].changes).toEqual({
      key: { from: null, to: task.key },
      title: { from: null, to: 'Write it down' },
      description: { from: null, to: 'All of it' },
      status_id: { from: null, to: done.id },
      priority: { from: null, to: 'medium' },
      estimate_hours: { from: null, to: 3 },
      position: { from: null, to: task.position },
      completed_at: { from: null, to: task.completed_at },
    });
    expect(task.completed_at).not.toBeNull();
  });
});
