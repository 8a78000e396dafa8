// Projects through HTTP: create with the default workflow, read by id or key with progress and
// ETag, list in pages, PATCH/DELETE with If-Match, restore, the audit trail, keys under concurrent
// creation, and strangers (another organization's owner included) learning nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';
import { aKey } from '../../support/builders/keys.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let viewer: SignedInUser;
let member: SignedInUser;
let org: TestOrganization;
let ownerB: SignedInUser;
let orgB: TestOrganization;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  viewer = await memberWithRole(t, api, org.id, 'viewer');
  member = await memberWithRole(t, api, org.id, 'member');
  ownerB = await signIn(t, api);
  orgB = await createOrganization(api, ownerB);
});
afterAll(async () => {
  await t.close();
});

const projectsPath = (orgRef: string = org.id) => `/api/v1/organizations/${orgRef}/projects`;
const as = (user: SignedInUser | undefined, headers: Record<string, string> = {}) => ({
  token: user?.accessToken,
  headers,
});

interface ProjectBody {
  id: string;
  key: string;
  name: string;
  version: number;
  deleted_at: string | null;
}

async function createProject(
  fields: { name?: string; key?: string; description?: string; public_lookup?: boolean } = {},
  by: SignedInUser = owner,
  orgId = org.id,
): Promise<ProjectBody> {
  const reply = await api.post(
    projectsPath(orgId),
    { name: `Project ${uniqueTag()}`, key: aKey(), ...fields },
    as(by),
  );
  expect(reply.status).toBe(201);
  return reply.body.data;
}

function auditEntries(orgId: string, action: string) {
  return t.app.deps.uow.run((tx) => tx.audit.list(orgId, { action }, { limit: 50 }), {
    organizationId: orgId,
  });
}

describe('creating projects', () => {
  it('creates a project (201, ETag) with zero progress and the default workflow, and audits it', async () => {
    const requestId = `req-${uniqueTag()}`;
    const key = aKey();
    const reply = await api.post(
      projectsPath(org.slug),
      { name: ' Release ', key, description: 'Ships things', public_lookup: true },
      as(owner, { 'x-request-id': requestId }),
    );
    expect(reply.status).toBe(201);
    expect(reply.headers.get('etag')).toBe('"1"');
    expect(reply.body.data).toEqual({
      id: expect.any(String),
      key,
      name: 'Release',
      description: 'Ships things',
      public_lookup: true,
      created_by: owner.id,
      progress: { todo: 0, in_progress: 0, done: 0, total: 0, percent_done: 0 },
      version: 1,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      deleted_at: null,
    });
    const statuses = await api.get(`${projectsPath()}/${key}/statuses`, as(owner));
    expect(
      statuses.body.data.map((s: { name: string; category: string }) => [s.name, s.category]),
    ).toEqual([
      ['To Do', 'todo'],
      ['In Progress', 'in_progress'],
      ['In Review', 'in_progress'],
      ['Done', 'done'],
    ]);
    const entries = (await auditEntries(org.id, 'project.created')).filter(
      (e) => e.targetId === reply.body.data.id,
    );
    expect(entries).toEqual([
      expect.objectContaining({ actorId: owner.id, requestId, targetType: 'project' }),
    ]);
  });

  it('answers 422 naming the field for a bad key, name or description', async () => {
    for (const [body, field] of [
      [{ name: 'X', key: 're' }, 'key'],
      [{ name: 'X', key: 'R2D' }, 'key'],
      [{ name: 'X', key: 'ABCDEFGHIJK' }, 'key'],
      [{ name: '  ', key: aKey() }, 'name'],
      [{ key: aKey() }, 'name'],
      [{ name: 'X', key: aKey(), public_lookup: 'yes' }, 'public_lookup'],
    ] as const) {
      const reply = await api.post(projectsPath(), body, as(owner));
      expect(reply.status, JSON.stringify(body)).toBe(422);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
      expect(reply.body.error.details[0].field).toBe(field);
    }
  });

  it('answers 409 to a taken key, a deleted project’s key too; another organization may use it', async () => {
    const live = await createProject();
    const gone = await createProject();
    expect((await api.delete(`${projectsPath()}/${gone.id}`, as(owner))).status).toBe(204);
    for (const key of [live.key, gone.key]) {
      const taken = await api.post(projectsPath(), { name: 'Again', key }, as(owner));
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('CONFLICT');
    }
    await createProject({ key: live.key }, ownerB, orgB.id);
  });

  it('answers one 201 and one 409 to two concurrent creations with the same key', async () => {
    const key = aKey();
    const replies = await Promise.all(
      ['First', 'Second'].map((name) => api.post(projectsPath(), { name, key }, as(owner))),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    const list = await api.get(`${projectsPath()}?limit=200`, as(owner));
    expect(list.body.data.filter((p: ProjectBody) => p.key === key)).toHaveLength(1);
    const winner = replies.find((r) => r.status === 201)!.body.data as ProjectBody;
    const statuses = await api.get(`${projectsPath()}/${key}/statuses`, as(owner));
    expect(statuses.body.data).toHaveLength(4);
    expect(
      (await auditEntries(org.id, 'project.created')).filter((e) => e.changes.key === key),
    ).toEqual([expect.objectContaining({ targetId: winner.id })]);
  });

  it('lets a manager create, and answers 403 to a member (no project:create) and a viewer', async () => {
    const manager = await memberWithRole(t, api, org.id, 'manager');
    await createProject({}, manager);
    for (const user of [member, viewer]) {
      const reply = await api.post(projectsPath(), { name: 'X', key: aKey() }, as(user));
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('FORBIDDEN');
    }
  });
});

describe('reading projects', () => {
  it('reads a project by id and by key (any case) with its ETag; viewers and members may read', async () => {
    const project = await createProject();
    for (const ref of [project.id, project.key, project.key.toLowerCase()]) {
      for (const user of [owner, viewer, member]) {
        const reply = await api.get(`${projectsPath()}/${ref}`, as(user));
        expect(reply.status).toBe(200);
        expect(reply.headers.get('etag')).toBe('"1"');
        expect(reply.body.data.id).toBe(project.id);
      }
    }
    for (const ref of [crypto.randomUUID(), 'NOPE', 'not a key']) {
      const reply = await api.get(`${projectsPath()}/${encodeURIComponent(ref)}`, as(owner));
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('NOT_FOUND');
    }
  });

  it('lists newest first by default and by name on request, in cursor pages', async () => {
    const lister = await signIn(t, api);
    const own = await createOrganization(api, lister);
    const made = [];
    for (const name of ['charlie', 'Alpha', 'bravo']) {
      made.push(await createProject({ name }, lister, own.id));
    }
    const first = await api.get(`${projectsPath(own.id)}?limit=2`, as(lister));
    expect(first.status).toBe(200);
    expect(first.body.meta.pagination).toMatchObject({ limit: 2, has_more: true });
    const second = await api.get(
      `${projectsPath(own.id)}?limit=2&cursor=${first.body.meta.pagination.next_cursor}`,
      as(lister),
    );
    expect(second.body.meta.pagination).toEqual({ limit: 2, next_cursor: null, has_more: false });
    expect([...first.body.data, ...second.body.data].map((p: ProjectBody) => p.id)).toEqual(
      [...made].reverse().map((p) => p.id),
    );
    expect(first.body.data[0].progress).toEqual({
      todo: 0,
      in_progress: 0,
      done: 0,
      total: 0,
      percent_done: 0,
    });

    const byName = await api.get(`${projectsPath(own.id)}?sort=name&limit=2`, as(lister));
    const rest = await api.get(
      `${projectsPath(own.id)}?sort=name&limit=2&cursor=${byName.body.meta.pagination.next_cursor}`,
      as(lister),
    );
    expect([...byName.body.data, ...rest.body.data].map((p: ProjectBody) => p.name)).toEqual([
      'Alpha',
      'bravo',
      'charlie',
    ]);

    for (const query of [
      'cursor=not-a-cursor',
      `sort=name&cursor=${first.body.meta.pagination.next_cursor}`,
      'sort=key',
      'limit=0',
    ]) {
      const bad = await api.get(`${projectsPath(own.id)}?${query}`, as(lister));
      expect(bad.status, query).toBe(422);
    }
  });

  it('pages by name through long names with quotes and non-ASCII letters', async () => {
    const lister = await signIn(t, api);
    const own = await createOrganization(api, lister);
    const names = ['a', 'b', 'c'].map((letter) => `${letter}"é\\${'ü'.repeat(110)}`);
    for (const name of [...names].reverse()) await createProject({ name }, lister, own.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page = await api.get(`${projectsPath(own.id)}?sort=name&limit=1${query}`, as(lister));
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((p: ProjectBody) => p.name));
      cursor = page.body.meta.pagination.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(names);
  });
});

describe('changing projects', () => {
  it('PATCHes with If-Match (new ETag); a stale If-Match answers 412 and changes nothing', async () => {
    const project = await createProject({ name: 'Before' });
    const path = `${projectsPath()}/${project.key}`;
    const renamed = await api.patch(
      path,
      { name: 'After', description: 'Now described' },
      as(owner, { 'if-match': '"1"' }),
    );
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get('etag')).toBe('"2"');
    expect(renamed.body.data).toMatchObject({
      name: 'After',
      description: 'Now described',
      version: 2,
    });

    const stale = await api.patch(path, { name: 'Lost' }, as(owner, { 'if-match': '"1"' }));
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
    const read = await api.get(path, as(owner));
    expect(read.body.data).toMatchObject({ name: 'After', version: 2 });
    expect(read.headers.get('etag')).toBe('"2"');
    const updates = (await auditEntries(org.id, 'project.updated')).filter(
      (e) => e.targetId === project.id,
    );
    expect(updates).toEqual([
      expect.objectContaining({
        actorId: owner.id,
        changes: {
          name: { from: 'Before', to: 'After' },
          description: { from: '', to: 'Now described' },
        },
      }),
    ]);

    const unconditional = await api.patch(path, { public_lookup: true }, as(owner));
    expect(unconditional.body.data).toMatchObject({ public_lookup: true, version: 3 });
  });

  it('answers 422 to an empty PATCH and to changing the key', async () => {
    const project = await createProject();
    for (const body of [{}, { key: 'NEWKEY' }]) {
      const reply = await api.patch(`${projectsPath()}/${project.id}`, body, as(owner));
      expect(reply.status).toBe(422);
    }
  });

  it('soft-deletes with If-Match (412 when stale), then 404 everywhere, then restores', async () => {
    const project = await createProject();
    const path = `${projectsPath()}/${project.id}`;
    const stale = await api.delete(path, as(owner, { 'if-match': '"7"' }));
    expect(stale.status).toBe(412);
    expect((await api.get(path, as(owner))).status).toBe(200);

    expect((await api.delete(path, as(owner, { 'if-match': '"1"' }))).status).toBe(204);
    for (const suffix of ['', '/statuses', '/task-types']) {
      expect((await api.get(`${path}${suffix}`, as(owner))).status).toBe(404);
    }
    expect((await api.patch(path, { name: 'X' }, as(owner))).status).toBe(404);
    expect((await api.delete(path, as(owner))).status).toBe(404);
    const live = await api.get(`${projectsPath()}?limit=200`, as(owner));
    expect(live.body.data.map((p: ProjectBody) => p.id)).not.toContain(project.id);
    const all = await api.get(`${projectsPath()}?limit=200&include_deleted=true`, as(owner));
    expect(all.body.data.find((p: ProjectBody) => p.id === project.id)).toMatchObject({
      deleted_at: expect.any(String),
      version: 2,
    });
    expect((await api.get(`${projectsPath()}?include_deleted=true`, as(viewer))).status).toBe(403);

    const restored = await api.post(`${path}/restore`, undefined, as(owner, { 'if-match': '"2"' }));
    expect(restored.status).toBe(200);
    expect(restored.headers.get('etag')).toBe('"3"');
    expect(restored.body.data).toMatchObject({ id: project.id, deleted_at: null, version: 3 });
    expect((await api.get(path, as(owner))).status).toBe(200);
    const again = await api.post(`${path}/restore`, undefined, as(owner));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');

    for (const action of ['project.deleted', 'project.restored']) {
      expect((await auditEntries(org.id, action)).filter((e) => e.targetId === project.id)).toEqual(
        [expect.objectContaining({ actorId: owner.id, targetType: 'project' })],
      );
    }
  });
});

describe('who may touch projects', () => {
  it('answers 404, and nothing of A, to the owner of B using A’s project id and key, under A or B', async () => {
    const project = await createProject();
    const secrets = [project.id, project.key, org.id];
    for (const orgRef of [org.id, org.slug, orgB.id]) {
      for (const ref of [project.id, project.key]) {
        const base = `${projectsPath(orgRef)}/${ref}`;
        const replies = [
          await api.get(base, as(ownerB)),
          await api.patch(base, { name: 'Hijacked' }, as(ownerB)),
          await api.delete(base, as(ownerB)),
          await api.post(`${base}/restore`, undefined, as(ownerB)),
          await api.get(`${base}/statuses`, as(ownerB)),
          await api.put(`${base}/statuses`, [{ name: 'X', category: 'todo' }], as(ownerB)),
          await api.get(`${base}/task-types`, as(ownerB)),
          await api.post(`${base}/task-types`, { name: 'Bug' }, as(ownerB)),
        ];
        for (const reply of replies) {
          expect(reply.status).toBe(404);
          expect(reply.body.error.code).toBe('NOT_FOUND');
          const text = JSON.stringify(reply.body);
          expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
        }
      }
    }
    expect((await api.get(projectsPath(), as(ownerB))).status).toBe(404);
    const own = await api.get(`${projectsPath()}/${project.id}`, as(owner));
    expect(own.body.data).toMatchObject({ name: project.name, version: 1 });
  });

  it('answers 403 to a viewer on every write, before reading the body', async () => {
    const project = await createProject();
    const base = `${projectsPath()}/${project.id}`;
    const replies = [
      await api.post(projectsPath(), { name: 'X', key: aKey() }, as(viewer)),
      await api.patch(base, { name: 'X' }, as(viewer)),
      await api.delete(base, as(viewer)),
      await api.post(`${base}/restore`, undefined, as(viewer)),
      await api.put(`${base}/statuses`, undefined, {
        ...as(viewer, { 'content-type': 'application/json' }),
        raw: '{not json',
      }),
      await api.post(`${base}/task-types`, { name: 'Bug' }, as(viewer)),
      await api.delete(`${base}/task-types/${crypto.randomUUID()}`, as(viewer)),
    ];
    for (const reply of replies) {
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('FORBIDDEN');
    }
    expect((await api.get(base, as(viewer))).body.data.version).toBe(1);
  });

  it('answers 403 to a member on create, update, delete and restore (project:read only)', async () => {
    const project = await createProject();
    const base = `${projectsPath()}/${project.id}`;
    for (const reply of [
      await api.post(projectsPath(), { name: 'X', key: aKey() }, as(member)),
      await api.patch(base, { name: 'X' }, as(member)),
      await api.delete(base, as(member)),
      await api.post(`${base}/restore`, undefined, as(member)),
    ]) {
      expect(reply.status).toBe(403);
    }
  });

  it('answers 401 without a token on every projects route', async () => {
    const project = await createProject();
    const base = `${projectsPath()}/${project.id}`;
    for (const reply of [
      await api.get(projectsPath()),
      await api.post(projectsPath(), { name: 'X', key: aKey() }),
      await api.get(base),
      await api.patch(base, { name: 'X' }),
      await api.delete(base),
      await api.post(`${base}/restore`),
      await api.get(`${base}/statuses`),
      await api.put(`${base}/statuses`, []),
      await api.get(`${base}/task-types`),
      await api.post(`${base}/task-types`, { name: 'Bug' }),
      await api.delete(`${base}/task-types/${crypto.randomUUID()}`),
    ]) {
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    }
  });
});
