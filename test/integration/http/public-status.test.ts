// The public status lookup through HTTP: tracking codes on the tasks of public projects (issued
// on create and when a project turns public, hidden while it is private, revoked by drawing a new
// one), GET /public/status/{code} without a login showing nothing internal, one 404 for every code
// that shows nothing, Crockford's reading of a typed code, and the refusals of the revoking route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACKING_CODE_PATTERN } from '../../../src/domain/tasks/tracking-code.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import {
  createOrganization,
  httpBuilders,
  memberWithRole,
  signIn,
  type ProjectFixture,
  type SignedInUser,
  type TestOrganization,
} from '../../support/builders/http.js';
import { client, type Client, type Reply } from '../../support/client.js';

interface TaskBody {
  readonly id: string;
  readonly key: string;
  readonly version: number;
  readonly tracking_code: string | null;
}

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let viewer: SignedInUser;
let requester: SignedInUser;
let org: TestOrganization;
let publicProject: ProjectFixture;
let privateProject: ProjectFixture;

const kit = httpBuilders<TaskBody>(() => ({ api, owner, org }));
const as = (user: SignedInUser) => ({ token: user.accessToken });
const orgPath = `/api/v1/organizations/`;
const projectPath = (project: ProjectFixture) => `${orgPath}${org.id}/projects/${project.id}`;
const taskPath = (task: TaskBody) => `${orgPath}${org.id}/tasks/${task.id}`;
const lookUp = (code: string) => api.get(`/api/v1/public/status/${encodeURIComponent(code)}`);

async function setPublic(project: ProjectFixture, publicLookup: boolean): Promise<void> {
  const reply = await api.patch(projectPath(project), { public_lookup: publicLookup }, as(owner));
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
}

async function read(task: TaskBody, by = owner): Promise<TaskBody> {
  const reply = await api.get(taskPath(task), as(by));
  expect(reply.status).toBe(200);
  return reply.body.data as TaskBody;
}

const regenerate = (task: TaskBody, by = owner, headers: Record<string, string> = {}) =>
  api.post(`${taskPath(task)}/tracking-code`, undefined, { ...as(by), headers });

/** A 404's body without what differs per request (its request id). */
const errorOf = (reply: Reply) => ({ status: reply.status, error: reply.body.error });

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  viewer = await memberWithRole(t, api, org.id, 'viewer');
  requester = await memberWithRole(t, api, org.id, 'requester');
  publicProject = await kit.aProject();
  await setPublic(publicProject, true);
  privateProject = await kit.aProject();
});
afterAll(async () => {
  await t.close();
});

describe('tracking codes', () => {
  it('a task of a public project gets one on create, the project key and 10 base32 characters', async () => {
    const task = await kit.aTask(publicProject);
    expect(task.tracking_code).toMatch(TRACKING_CODE_PATTERN);
    expect(task.tracking_code?.startsWith(`${publicProject.key}-`)).toBe(true);
    expect((await read(task)).tracking_code).toBe(task.tracking_code);
    const list = await api.get(`${projectPath(publicProject)}/tasks`, as(owner));
    const listed = (list.body.data as TaskBody[]).find((item) => item.id === task.id);
    expect(listed?.tracking_code).toBe(task.tracking_code);
  });

  it('codes are distinct per task', async () => {
    const tasks = await Promise.all([1, 2, 3, 4, 5].map(() => kit.aTask(publicProject)));
    expect(new Set(tasks.map((task) => task.tracking_code)).size).toBe(5);
  });

  it('the requester who asked sees the code of its own ticket', async () => {
    const ticket = await kit.aTask(publicProject, {}, requester);
    expect(ticket.tracking_code).toMatch(TRACKING_CODE_PATTERN);
    expect((await read(ticket, requester)).tracking_code).toBe(ticket.tracking_code);
  });

  it('a private project shows none; turning it public issues codes to the tasks it has', async () => {
    const project = await kit.aProject();
    const before = await kit.aTask(project);
    expect(before.tracking_code).toBeNull();
    await setPublic(project, true);
    const code = (await read(before)).tracking_code;
    expect(code).toMatch(TRACKING_CODE_PATTERN);
    expect((await lookUp(code!)).status).toBe(200);

    await setPublic(project, false);
    expect((await read(before)).tracking_code).toBeNull();
    expect((await lookUp(code!)).status).toBe(404);

    // Public again: the same code comes back (a code handed out stays good).
    await setPublic(project, true);
    expect((await read(before)).tracking_code).toBe(code);
    expect((await lookUp(code!)).status).toBe(200);
  });
});

describe('GET /public/status/{code}', () => {
  it('answers without a login with the status and nothing internal', async () => {
    const task = await kit.aTask(publicProject, {
      title: 'Printer on floor 3',
      description: 'internal notes',
    });
    const reply = await lookUp(task.tracking_code!);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.body.data).toEqual({
      tracking_code: task.tracking_code,
      title: 'Printer on floor 3',
      status: publicProject.statuses[0]!.name,
      status_category: 'todo',
      updated_at: expect.any(String),
    });
    expect(JSON.stringify(reply.body)).not.toContain(task.id);
    expect(JSON.stringify(reply.body)).not.toContain('internal notes');
  });

  it('follows a move of the task', async () => {
    const task = await kit.aTask(publicProject);
    const done = publicProject.statuses.find((status) => status.category === 'done')!;
    const moved = await api.post(`${taskPath(task)}/move`, { status_id: done.id }, as(owner));
    expect(moved.status).toBe(200);
    const reply = await lookUp(task.tracking_code!);
    expect(reply.body.data).toMatchObject({ status: done.name, status_category: 'done' });
    expect(reply.body.data.updated_at).toBe(moved.body.data.updated_at);
  });

  it('reads a typed code as Crockford base32: any case, O as 0, I and L as 1', async () => {
    let task = await kit.aTask(publicProject);
    // Draw until the random part holds a 0 or a 1, to type it as a letter.
    while (!/-.*[01]/.test(task.tracking_code!)) task = (await regenerate(task)).body.data;
    const code = task.tracking_code!;
    const [key, random] = code.split('-') as [string, string];
    const typed = `${key.toLowerCase()}-${random.replace(/0/g, 'o').replace(/1/g, 'l').toLowerCase()}`;
    const reply = await lookUp(typed);
    expect(reply.status).toBe(200);
    expect(reply.body.data.tracking_code).toBe(code);
  });

  it('answers the same 404 for unknown, revoked, private, deleted and malformed codes', async () => {
    const revoked = await kit.aTask(publicProject);
    const replaced = await regenerate(revoked);
    expect(replaced.status).toBe(200);

    const hidden = await kit.aTask(privateProject);
    const project = await kit.aProject();
    await setPublic(project, true);
    const privateTask = await kit.aTask(project);
    await setPublic(project, false);

    const deleted = await kit.aTask(publicProject);
    expect((await api.delete(taskPath(deleted), as(owner))).status).toBe(204);

    const unknown = `${publicProject.key}-0000000000`;
    const replies = await Promise.all(
      [unknown, revoked.tracking_code!, privateTask.tracking_code!, deleted.tracking_code!]
        .concat(['not a code', hidden.key, `${publicProject.key}-${'Z'.repeat(11)}`])
        .map(lookUp),
    );
    const expected = errorOf(replies[0]!);
    expect(expected.status).toBe(404);
    for (const reply of replies) expect(errorOf(reply)).toEqual(expected);
  });
});

describe('POST /organizations/{org}/tasks/{task}/tracking-code', () => {
  it('draws a new code: the old one answers 404, the new one the status; history shows it', async () => {
    const task = await kit.aTask(publicProject);
    const reply = await regenerate(task, owner, { 'if-match': `"${task.version}"` });
    expect(reply.status).toBe(200);
    const after = reply.body.data as TaskBody;
    expect(after.tracking_code).toMatch(TRACKING_CODE_PATTERN);
    expect(after.tracking_code).not.toBe(task.tracking_code);
    expect(after.version).toBe(task.version + 1);
    expect(reply.headers.get('etag')).toBe(`"${after.version}"`);
    expect((await lookUp(task.tracking_code!)).status).toBe(404);
    expect((await lookUp(after.tracking_code!)).status).toBe(200);

    const history = await api.get(`${taskPath(task)}/history`, as(owner));
    expect(history.body.data).toContainEqual(
      expect.objectContaining({
        action: 'updated',
        changes: { tracking_code: { from: task.tracking_code, to: after.tracking_code } },
      }),
    );
  });

  it('refuses a stale If-Match (412), a private project (409) and a viewer (403)', async () => {
    const task = await kit.aTask(publicProject);
    expect((await regenerate(task, owner, { 'if-match': '"999"' })).status).toBe(412);
    const privateTask = await kit.aTask(privateProject);
    const conflict = await regenerate(privateTask);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('CONFLICT');
    expect((await regenerate(task, viewer)).status).toBe(403);
    expect((await lookUp(task.tracking_code!)).status).toBe(200);
  });
});
