// Every 201 Created names the new resource in Location: its path under /api/v1, the organization
// by id even when the request named it by slug; where the API reads the resource back, a GET of
// the Location answers it. (The contract check already refuses a 201 without Location, or with one
// that is no path of the document.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { aKey } from '../../support/builders/keys.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import { createOrganization, type TestOrganization } from '../../support/tenancy.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await t.close();
});

const as = () => ({ token: owner.accessToken });
/** Requests name the organization by slug; Locations name it by id. */
const bySlug = (rest: string) => `/api/v1/organizations/${org.slug}${rest}`;
const byId = (rest: string) => `/api/v1/organizations/${org.id}${rest}`;

async function created(path: string, body: unknown): Promise<Reply> {
  const reply = await api.post(path, body, as());
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply;
}

/** The Location of a 201 whose resource the API reads back: a GET of it answers the same one. */
async function readsBack(reply: Reply, expected: string): Promise<void> {
  const location = reply.headers.get('location');
  expect(location).toBe(expected);
  const read = await api.get(location!, as());
  expect(read.status).toBe(200);
  expect(read.body.data.id).toBe(reply.body.data.id);
}

describe('Location on 201', () => {
  it('names a new organization by id', async () => {
    const reply = await created('/api/v1/organizations', {
      name: 'Acme',
      slug: `o-${uniqueTag()}`,
    });
    await readsBack(reply, `/api/v1/organizations/${reply.body.data.id}`);
  });

  it('names a new account by the URL its owner reads it at', async () => {
    const reply = await api.post('/api/v1/auth/register', {
      email: `loc-${uniqueTag()}@example.com`,
      password: 'correct-horse-battery',
      name: 'L',
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('location')).toBe('/api/v1/users/me');
  });

  it('names projects, tasks, comments, labels, teams, roles and API keys by id', async () => {
    const project = await created(bySlug('/projects'), { name: 'Release', key: aKey() });
    const projectId = project.body.data.id as string;
    await readsBack(project, byId(`/projects/${projectId}`));

    const task = await created(bySlug(`/projects/${project.body.data.key}/tasks`), { title: 'T' });
    const taskId = task.body.data.id as string;
    await readsBack(task, byId(`/tasks/${taskId}`));

    const comment = await created(bySlug(`/tasks/${task.body.data.key}/comments`), { body: 'Hi' });
    await readsBack(comment, byId(`/tasks/${taskId}/comments/${comment.body.data.id}`));

    const label = await created(bySlug('/labels'), { name: `L ${uniqueTag()}` });
    await readsBack(label, byId(`/labels/${label.body.data.id}`));

    const team = await created(bySlug('/teams'), { name: `Team ${uniqueTag()}` });
    await readsBack(team, byId(`/teams/${team.body.data.id}`));

    const role = await created(bySlug('/roles'), {
      name: `R ${uniqueTag()}`,
      permissions: ['project:read'],
    });
    await readsBack(role, byId(`/roles/${role.body.data.id}`));

    const key = await created(bySlug('/api-keys'), { name: 'CI', role: 'viewer' });
    await readsBack(key, byId(`/api-keys/${key.body.data.id}`));
  });

  it('names what has no read of its own by the path that removes it', async () => {
    const project = await created(bySlug('/projects'), { name: 'Release', key: aKey() });
    const tasks = bySlug(`/projects/${project.body.data.id}/tasks`);
    const one = await created(tasks, { title: 'One' });
    const two = await created(tasks, { title: 'Two' });
    const [oneId, oneKey] = [one.body.data.id as string, one.body.data.key as string];

    const type = await created(bySlug(`/projects/${project.body.data.id}/task-types`), {
      name: `Type ${uniqueTag()}`,
    });
    expect(type.headers.get('location')).toBe(
      byId(`/projects/${project.body.data.id}/task-types/${type.body.data.id}`),
    );

    const invitation = await created(bySlug('/invitations'), {
      email: `i-${uniqueTag()}@example.com`,
      role: 'member',
    });
    expect(invitation.headers.get('location')).toBe(
      byId(`/invitations/${invitation.body.data.id}`),
    );

    const team = await created(bySlug('/teams'), { name: `Team ${uniqueTag()}` });
    const member = await created(bySlug(`/teams/${team.body.data.id}/members`), {
      user_id: owner.id,
    });
    expect(member.headers.get('location')).toBe(
      byId(`/teams/${team.body.data.id}/members/${owner.id}`),
    );

    // A watcher and a relation sit under their task as the request named it (id or key).
    const watcher = await created(bySlug(`/tasks/${oneKey}/watchers`), {});
    expect(watcher.headers.get('location')).toBe(byId(`/tasks/${oneKey}/watchers/${owner.id}`));
    const relation = await created(bySlug(`/tasks/${oneId}/relations`), {
      type: 'relates_to',
      task_id: two.body.data.id,
    });
    const relationUrl = byId(`/tasks/${oneId}/relations/${relation.body.data.id}`);
    expect(relation.headers.get('location')).toBe(relationUrl);
    expect((await api.delete(relationUrl, as())).status).toBe(204);
  });
});
