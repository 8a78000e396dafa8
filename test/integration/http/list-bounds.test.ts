// How every list answers, through HTTP. The lists that grow without end (invitations, sessions)
// are keyset pages like the others: walking next_cursor visits each item once. The small ones
// (a project's statuses and task types, an organization's roles, a task's relations) are read
// whole: bounded where their items are made (409 past the bound), without meta.pagination, and
// `limit` or `cursor` on them is an unknown parameter (422).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CUSTOM_ROLES } from '../../../src/application/access/role-rules.js';
import { BUILT_IN_ROLES } from '../../../src/domain/access/permissions.js';
import { MAX_WORKFLOW_STATUSES } from '../../../src/domain/projects/workflow.js';
import { MAX_TASK_TYPES_PER_PROJECT } from '../../../src/domain/projects/task-type.js';
import { MAX_RELATIONS_PER_TASK } from '../../../src/domain/tasks/relation.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import {
  createOrganization,
  httpBuilders,
  memberWithRole,
  signIn,
  type SignedInUser,
  type TestOrganization,
} from '../../support/builders/http.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;

const SESSIONS = 5;

beforeAll(async () => {
  // Room for the sessions the paging test opens (the default keeps 3 per user).
  t = await startTestApp({ MAX_SESSIONS_PER_USER: String(SESSIONS) });
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await t.close();
});

const as = (user: SignedInUser) => ({ token: user.accessToken });
const orgPath = `/api/v1/organizations`;
const { aProject, aTask } = httpBuilders<{ id: string; key: string }>(() => ({
  api,
  owner,
  org,
}));

/** Every item of a paged list, page by page through next_cursor; and how many pages. */
async function walk(path: string, by: SignedInUser, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page: Reply = await api.get(
      `${path}${separator}limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`,
      as(by),
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.data.length).toBeLessThanOrEqual(limit);
    ids.push(...page.body.data.map((item: { id: string }) => item.id));
    const pagination = page.body.meta.pagination;
    expect(pagination.limit).toBe(limit);
    cursor = pagination.next_cursor;
    expect(pagination.has_more).toBe(cursor !== null);
    pages += 1;
  } while (cursor !== null && pages < 50);
  return { ids, pages };
}

function expectUnknownParameter(reply: Reply, field: string, message: RegExp) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(422);
  expect(reply.body.success).toBe(false);
  expect(reply.body.error.code).toBe('VALIDATION_ERROR');
  expect(reply.body.error.details).toContainEqual({
    field,
    message: expect.stringMatching(message),
  });
}

describe('paged: GET /organizations/{org}/invitations', () => {
  it('walks every pending invitation once, newest first, in pages of `limit`', async () => {
    const mine = await createOrganization(api, owner);
    const invited: string[] = [];
    for (let i = 0; i < 5; i++) {
      const reply = await api.post(
        `${orgPath}/${mine.id}/invitations`,
        { email: `invitee-${uniqueTag()}@example.com`, role: 'member' },
        as(owner),
      );
      expect(reply.status).toBe(201);
      invited.push(reply.body.data.id);
    }
    const path = `${orgPath}/${mine.id}/invitations`;

    const whole = await api.get(path, as(owner));
    expect(whole.status).toBe(200);
    expect(whole.body.meta.pagination).toEqual({ limit: 50, next_cursor: null, has_more: false });
    const newestFirst = whole.body.data.map((item: { id: string }) => item.id);
    expect(new Set(newestFirst)).toEqual(new Set(invited));

    const walked = await walk(path, owner, 2);
    expect(walked.pages).toBe(3);
    expect(walked.ids).toEqual(newestFirst);
  });

  it('refuses a cursor it did not issue, a limit out of range and an unknown parameter', async () => {
    const path = `${orgPath}/${org.id}/invitations`;
    expect((await api.get(`${path}?cursor=bm90LWFuLWlk`, as(owner))).status).toBe(422);
    expect((await api.get(`${path}?limit=0`, as(owner))).status).toBe(422);
    expect((await api.get(`${path}?limit=201`, as(owner))).status).toBe(422);
    expectUnknownParameter(
      await api.get(`${path}?status=pending`, as(owner)),
      'status',
      /^Unknown query parameter$/,
    );
  });
});

describe('paged: GET /organizations/{org}/teams/{id}/members', () => {
  it('walks every member of the team once, in the order they joined', async () => {
    const team = await api.post(
      `${orgPath}/${org.id}/teams`,
      { name: `Team ${uniqueTag()}` },
      as(owner),
    );
    expect(team.status).toBe(201);
    const path = `${orgPath}/${org.id}/teams/${team.body.data.id}/members`;
    const joined: string[] = [];
    for (let i = 0; i < 5; i++) {
      const person = await memberWithRole(t, api, org.id, 'member');
      const added = await api.post(path, { user_id: person.id }, as(owner));
      expect(added.status).toBe(201);
      joined.push(person.id);
    }

    const whole = await api.get(path, as(owner));
    expect(whole.body.data.map((member: { user_id: string }) => member.user_id)).toEqual(joined);
    expect(whole.body.meta.pagination).toEqual({ limit: 50, next_cursor: null, has_more: false });

    const walked: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Reply = await api.get(
        `${path}?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
        as(owner),
      );
      expect(page.status).toBe(200);
      walked.push(...page.body.data.map((member: { user_id: string }) => member.user_id));
      cursor = page.body.meta.pagination.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(walked).toEqual(joined);
  });
});

describe('paged: GET /auth/sessions', () => {
  it('walks every open session of the caller once, oldest first, the current one marked', async () => {
    const me = await signIn(t, api);
    for (let i = 1; i < SESSIONS; i++) {
      const login = await api.post('/api/v1/auth/login', {
        email: me.email,
        password: me.password,
      });
      expect(login.status).toBe(200);
    }

    const whole = await api.get('/api/v1/auth/sessions', as(me));
    expect(whole.status).toBe(200);
    expect(whole.body.data).toHaveLength(SESSIONS);
    expect(whole.body.meta.pagination).toEqual({ limit: 50, next_cursor: null, has_more: false });
    const oldestFirst = whole.body.data.map((session: { id: string }) => session.id);
    const createdAt = whole.body.data.map((session: { created_at: string }) => session.created_at);
    expect([...createdAt].sort()).toEqual(createdAt);
    expect(whole.body.data.filter((session: { current: boolean }) => session.current)).toEqual([
      whole.body.data[0],
    ]);

    const walked = await walk('/api/v1/auth/sessions', me, 2);
    expect(walked.pages).toBe(3);
    expect(walked.ids).toEqual(oldestFirst);

    expect((await api.get('/api/v1/auth/sessions?cursor=bm9wZQ', as(me))).status).toBe(422);
  });
});

describe('whole: statuses, task types, roles and relations', () => {
  async function wholeListPaths(): Promise<string[]> {
    const project = await aProject();
    const task = await aTask(project);
    return [
      `${orgPath}/${org.id}/projects/${project.id}/statuses`,
      `${orgPath}/${org.id}/projects/${project.id}/task-types`,
      `${orgPath}/${org.id}/roles`,
      `${orgPath}/${org.id}/tasks/${task.key}/relations`,
    ];
  }

  it('answers the whole set without meta.pagination, and refuses limit and cursor', async () => {
    for (const path of await wholeListPaths()) {
      const whole = await api.get(path, as(owner));
      expect(whole.status, path).toBe(200);
      expect(Array.isArray(whole.body.data)).toBe(true);
      expect(whole.body.meta.pagination, path).toBeUndefined();

      const notPaged = /^Unknown query parameter: this list is not paged/;
      expectUnknownParameter(await api.get(`${path}?limit=2`, as(owner)), 'limit', notPaged);
      expectUnknownParameter(await api.get(`${path}?cursor=abc`, as(owner)), 'cursor', notPaged);
    }
  });

  it('refuses a task type past the project’s bound (409 naming it), and takes one again after a delete', async () => {
    const project = await aProject();
    const path = `${orgPath}/${org.id}/projects/${project.id}/task-types`;
    const before = await api.get(path, as(owner));
    for (let i = before.body.data.length; i < MAX_TASK_TYPES_PER_PROJECT; i++) {
      const made = await api.post(path, { name: `Type ${i}` }, as(owner));
      expect(made.status, JSON.stringify(made.body)).toBe(201);
    }

    const refused = await api.post(path, { name: 'One too many' }, as(owner));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');
    expect(refused.body.error.message).toContain(String(MAX_TASK_TYPES_PER_PROJECT));

    const all = await api.get(path, as(owner));
    expect(all.body.data).toHaveLength(MAX_TASK_TYPES_PER_PROJECT);
    const removed = await api.delete(`${path}/${all.body.data[0].id}`, as(owner));
    expect(removed.status).toBe(204);
    expect((await api.post(path, { name: 'One too many' }, as(owner))).status).toBe(201);
  });

  it('refuses a custom role past the organization’s bound; the list holds them all', async () => {
    const mine = await createOrganization(api, owner);
    const path = `${orgPath}/${mine.id}/roles`;
    for (let i = 0; i < MAX_CUSTOM_ROLES; i++) {
      const made = await api.post(
        path,
        { name: `Role ${i}`, permissions: ['member:read'] },
        as(owner),
      );
      expect(made.status, JSON.stringify(made.body)).toBe(201);
    }

    const refused = await api.post(path, { name: 'One too many', permissions: [] }, as(owner));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');
    expect(refused.body.error.message).toContain(String(MAX_CUSTOM_ROLES));

    const all = await api.get(path, as(owner));
    expect(all.body.data).toHaveLength(BUILT_IN_ROLES.length + MAX_CUSTOM_ROLES);
  });

  it('refuses a relation to or from a task that has the most, naming it; the list holds them all', async () => {
    const project = await aProject();
    const full = await aTask(project);
    const types = ['blocks', 'duplicates', 'relates_to'];
    const others = [];
    while (others.length * types.length < MAX_RELATIONS_PER_TASK) others.push(await aTask(project));
    let made = 0;
    for (const other of others) {
      for (const type of types) {
        if (made === MAX_RELATIONS_PER_TASK) break;
        const reply = await api.post(
          `${orgPath}/${org.id}/tasks/${full.key}/relations`,
          { type, task_id: other.id },
          as(owner),
        );
        expect(reply.status, JSON.stringify(reply.body)).toBe(201);
        made += 1;
      }
    }
    const newcomer = await aTask(project);

    const fromFull = await api.post(
      `${orgPath}/${org.id}/tasks/${full.key}/relations`,
      { type: 'relates_to', task_id: newcomer.id },
      as(owner),
    );
    const toFull = await api.post(
      `${orgPath}/${org.id}/tasks/${newcomer.key}/relations`,
      { type: 'blocked_by', task_id: full.key },
      as(owner),
    );
    for (const refused of [fromFull, toFull]) {
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('CONFLICT');
      expect(refused.body.error.message).toContain(full.key);
      expect(refused.body.error.message).toContain(String(MAX_RELATIONS_PER_TASK));
    }

    const all = await api.get(`${orgPath}/${org.id}/tasks/${full.key}/relations`, as(owner));
    expect(all.body.data).toHaveLength(MAX_RELATIONS_PER_TASK);
    expect(
      (await api.get(`${orgPath}/${org.id}/tasks/${newcomer.key}/relations`, as(owner))).body.data,
    ).toEqual([]);
  });

  it('refuses a workflow over its bound of statuses', async () => {
    const project = await aProject();
    const statuses = Array.from({ length: MAX_WORKFLOW_STATUSES + 1 }, (_, i) => ({
      name: `Step ${i}`,
      category: i === 0 ? 'todo' : i === MAX_WORKFLOW_STATUSES ? 'done' : 'in_progress',
    }));
    const refused = await api.put(
      `${orgPath}/${org.id}/projects/${project.id}/statuses`,
      statuses,
      as(owner),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toContainEqual({
      field: 'body',
      message: expect.stringContaining(String(MAX_WORKFLOW_STATUSES)),
    });
  });
});

describe('the OpenAPI document', () => {
  it('documents the pages of the paged lists and the bound of the whole ones', async () => {
    const document = (await api.get('/api/v1/openapi.json')).body;
    const operation = (path: string, method = 'get') => document.paths[`/api/v1${path}`][method];
    const queryNames = (op: any) =>
      (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name);

    for (const path of ['/organizations/{org}/invitations', '/auth/sessions']) {
      expect(queryNames(operation(path))).toEqual(expect.arrayContaining(['limit', 'cursor']));
    }
    for (const path of [
      '/organizations/{org}/projects/{project}/statuses',
      '/organizations/{org}/projects/{project}/task-types',
      '/organizations/{org}/roles',
      '/organizations/{org}/tasks/{task}/relations',
    ]) {
      const op = operation(path);
      expect(queryNames(op), path).toEqual([]);
      expect(op.summary, path).toMatch(/the whole set \(at most \d+\), not paged/);
    }
  });
});
