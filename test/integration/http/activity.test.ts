// A project's activity log over HTTP (GET …/projects/{project}/activity): newest first, one line
// per change with who did it and the task's current title, paged, filtered like the events feed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import {
  createOrganization,
  httpBuilders,
  memberWithRole,
  signIn,
  type SignedInUser,
  type TestOrganization,
} from '../../support/builders/http.js';
import { client, type Client } from '../../support/client.js';

interface Entry {
  id: string;
  action: string;
  actor: { type: string; id: string; name: string | null };
  subject: { type: string; id: string | null; key: string | null; title: string | null };
  summary: string;
  occurred_at: string;
}

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let ownerName: string;
let org: TestOrganization;
const { aProject, aTask } = httpBuilders<{ id: string; key: string }>(() => ({ api, owner, org }));

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  ownerName = (await api.get('/api/v1/users/me', { token: owner.accessToken })).body.data.name;
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await t.close();
});

const activityPath = (projectId: string, query = '') =>
  `/api/v1/organizations/${org.id}/projects/${projectId}/activity${query && `?${query}`}`;

async function activity(projectId: string, as: SignedInUser = owner, query = 'limit=200') {
  const reply = await api.get(activityPath(projectId, query), { token: as.accessToken });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.data as Entry[];
}

describe('the project activity log', () => {
  it('tells each change newest first, with who did it, the task’s key and title, in a line', async () => {
    const project = await aProject();
    const other = await aProject();
    await aTask(other, { title: 'Elsewhere' });
    const task = await aTask(project, { title: 'Fix login' });
    const renamed = await api.patch(
      `/api/v1/organizations/${org.id}/tasks/${task.id}`,
      { title: 'Fix login now' },
      { token: owner.accessToken },
    );
    expect(renamed.status).toBe(200);
    const commented = await api.post(
      `/api/v1/organizations/${org.id}/tasks/${task.id}/comments`,
      { body: 'On it' },
      { token: owner.accessToken },
    );
    expect(commented.status).toBe(201);

    const entries = await activity(project.id);
    expect(entries.map((e) => e.action)).toEqual([
      'comment.created',
      'task.updated',
      'task.created',
      'project.created',
    ]);
    expect(entries.map((e) => e.summary)).toEqual([
      `${ownerName} commented on ${task.key} “Fix login now”`,
      `${ownerName} changed title of ${task.key} “Fix login now”`,
      `${ownerName} created ${task.key} “Fix login now”`,
      `${ownerName} created the project ${project.key}`,
    ]);
    expect(entries[1]).toMatchObject({
      actor: { type: 'user', id: owner.id, name: ownerName },
      subject: { type: 'task', id: task.id, key: task.key, title: 'Fix login now' },
    });
  });

  it('pages newest first with a cursor, every entry once', async () => {
    const project = await aProject();
    for (let i = 0; i < 4; i += 1) await aTask(project);
    const whole = await activity(project.id);
    expect(whole).toHaveLength(5);
    const walked: Entry[] = [];
    let cursor: string | null = null;
    do {
      const reply = await api.get(
        activityPath(project.id, `limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        { token: owner.accessToken },
      );
      expect(reply.status).toBe(200);
      walked.push(...(reply.body.data as Entry[]));
      cursor = reply.body.meta.pagination.next_cursor as string | null;
    } while (cursor !== null);
    expect(walked.map((e) => e.id)).toEqual(whole.map((e) => e.id));
  });

  it('shows a requester only what it asked for, and a viewer everything', async () => {
    const project = await aProject();
    const requester = await memberWithRole(t, api, org.id, 'requester');
    const viewer = await memberWithRole(t, api, org.id, 'viewer');
    const theirs = await aTask(project, { title: 'Theirs' }, requester);
    const ours = await aTask(project, { title: 'Ours' });
    const taskIds = (entries: Entry[]) =>
      entries.filter((e) => e.subject.type === 'task').map((e) => e.subject.id);
    const seen = await activity(project.id, viewer);
    expect(taskIds(seen).sort()).toEqual([theirs.id, ours.id].sort());
    expect(taskIds(await activity(project.id, requester))).toEqual([theirs.id]);
  });

  it('answers 404 for a project that does not exist', async () => {
    const reply = await api.get(activityPath('NOPE'), { token: owner.accessToken });
    expect(reply.status).toBe(404);
  });
});
