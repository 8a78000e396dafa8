// The write window through HTTP: a role the organization's window holds gets the 403
// OUTSIDE_WORKING_HOURS envelope on every task write outside it; critical work and other roles go
// through. The app runs on real time, so the window is one minute twelve hours from now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let member: SignedInUser;
let org: TestOrganization;
let projectId: string;
let doneStatusId: string;
/** A task of the member's, created before the window was set. */
let memberTask: { id: string; key: string };

const as = (user: SignedInUser) => ({ token: user.accessToken });
const orgPath = () => `/api/v1/organizations/${org.id}`;

/** 'HH:MM' (UTC) of now plus `minutes`. */
function utcTimeIn(minutes: number): string {
  const at = new Date(Date.now() + minutes * 60_000);
  return at.toISOString().slice(11, 16);
}

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  member = await memberWithRole(t, api, org.id, 'member');
  const project = await api.post(
    `${orgPath()}/projects`,
    { name: 'Release', key: 'WW' },
    as(owner),
  );
  expect(project.status).toBe(201);
  projectId = project.body.data.id;
  const statuses = await api.get(`${orgPath()}/projects/${projectId}/statuses`, as(owner));
  doneStatusId = statuses.body.data.at(-1).id;
  const task = await api.post(
    `${orgPath()}/projects/${projectId}/tasks`,
    { title: 'Mine' },
    as(member),
  );
  expect(task.status).toBe(201);
  memberTask = task.body.data;

  // One minute a day, twelve hours away: every request of this file falls outside it.
  const start = utcTimeIn(12 * 60);
  const window = {
    start,
    end: utcTimeIn(12 * 60 + 1),
    days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    roles: ['member'],
  };
  const set = await api.patch(orgPath(), { write_window: window }, as(owner));
  expect(set.status, JSON.stringify(set.body)).toBe(200);
  expect(set.body.data.write_window).toEqual({ ...window, exempt_priorities: ['critical'] });
});
afterAll(async () => {
  await t.close();
});

describe('the write window on task routes', () => {
  it('answers 403 OUTSIDE_WORKING_HOURS to a member’s create, update, move, delete and restore', async () => {
    const taskPath = `${orgPath()}/tasks/${memberTask.id}`;
    const attempts = [
      () => api.post(`${orgPath()}/projects/${projectId}/tasks`, { title: 'Late' }, as(member)),
      () => api.patch(taskPath, { title: 'Late' }, as(member)),
      () => api.post(`${taskPath}/move`, { status_id: doneStatusId }, as(member)),
      () => api.delete(taskPath, as(member)),
      () => api.post(`${taskPath}/restore`, undefined, as(member)),
    ];
    for (const attempt of attempts) {
      const reply = await attempt();
      expect(reply.status, JSON.stringify(reply.body)).toBe(403);
      expect(reply.body).toEqual({
        success: false,
        error: {
          code: 'OUTSIDE_WORKING_HOURS',
          message: expect.stringMatching(/^Writes are allowed .* in your timezone \(UTC\)$/),
        },
        meta: expect.any(Object),
      });
    }
    // Nothing was written: the task is as it was, with only its creation in the history.
    const read = await api.get(taskPath, as(member));
    expect(read.body.data).toMatchObject({ title: 'Mine', version: 1, deleted_at: null });
    const history = await api.get(`${taskPath}/history`, as(member));
    expect(history.body.data.map((h: { action: string }) => h.action)).toEqual(['created']);
  });

  it('lets the member create critical work, and the owner (a role not listed) write anything', async () => {
    const critical = await api.post(
      `${orgPath()}/projects/${projectId}/tasks`,
      { title: 'Production is down', priority: 'critical' },
      as(member),
    );
    expect(critical.status).toBe(201);
    const byOwner = await api.patch(
      `${orgPath()}/tasks/${memberTask.key}`,
      { title: 'Renamed by the owner' },
      as(owner),
    );
    expect(byOwner.status).toBe(200);
    expect(byOwner.body.data).toMatchObject({ title: 'Renamed by the owner', version: 2 });
  });
});
