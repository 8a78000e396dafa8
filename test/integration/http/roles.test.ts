// Roles through HTTP: the built-in matrix (read-only), custom roles, the rule that a role in use
// cannot be deleted, a role change judged on the holder's very next request, and strangers
// learning nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, ROLE_PERMISSIONS } from '../../../src/domain/access/permissions.js';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';

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

const rolesPath = (orgId = org.id) => `/api/v1/organizations/${orgId}/roles`;
const as = (user: SignedInUser, headers: Record<string, string> = {}) => ({
  token: user.accessToken,
  headers,
});

async function createRole(
  fields: { name?: string; permissions?: string[]; description?: string } = {},
  by: SignedInUser = owner,
  orgId = org.id,
) {
  const reply = await api.post(
    rolesPath(orgId),
    { name: `Role ${uniqueTag()}`, permissions: ['member:read', 'team:read'], ...fields },
    as(by),
  );
  expect(reply.status).toBe(201);
  return reply.body.data as { id: string; name: string; version: number; permissions: string[] };
}

function auditEntries(orgId: string, action: string) {
  return t.app.deps.uow.run((tx) => tx.audit.list(orgId, { action }, { limit: 50 }), {
    organizationId: orgId,
  });
}

describe('reading roles', () => {
  it('lists every built-in role with its permissions (the whole matrix), then the custom roles', async () => {
    const custom = await createRole({
      name: `Auditor ${uniqueTag()}`,
      permissions: ['audit:read'],
    });
    const reply = await api.get(rolesPath(), as(owner));
    expect(reply.status).toBe(200);
    const roles = reply.body.data as Array<{ id: string; built_in: boolean }>;
    expect(roles.slice(0, BUILT_IN_ROLES.length)).toEqual(
      BUILT_IN_ROLES.map((name) => ({
        id: name,
        name,
        built_in: true,
        permissions: [...ROLE_PERMISSIONS[name]],
      })),
    );
    expect(roles.find((r) => r.id === custom.id)).toEqual({
      id: custom.id,
      name: custom.name,
      description: '',
      built_in: false,
      permissions: ['audit:read'],
      version: 1,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it('reads a built-in role by name, and a custom role by id with its ETag', async () => {
    const builtIn = await api.get(`${rolesPath()}/viewer`, as(owner));
    expect(builtIn.status).toBe(200);
    expect(builtIn.body.data).toEqual({
      id: 'viewer',
      name: 'viewer',
      built_in: true,
      permissions: [...ROLE_PERMISSIONS.viewer],
    });

    const custom = await createRole();
    const read = await api.get(`${rolesPath()}/${custom.id}`, as(owner));
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ id: custom.id, built_in: false, version: 1 });
    expect(read.headers.get('etag')).toBe('"1"');
  });

  it.each([['superuser'], [crypto.randomUUID()]])(
    'answers 404 for the unknown role %s',
    async (id) => {
      const reply = await api.get(`${rolesPath()}/${id}`, as(owner));
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('NOT_FOUND');
    },
  );
});

describe('creating roles', () => {
  it('creates a custom role (201, ETag) and records role.created with the request id', async () => {
    const requestId = `req-${uniqueTag()}`;
    const reply = await api.post(
      rolesPath(),
      {
        name: ' Support lead ',
        description: 'Runs support',
        permissions: ['team:manage', 'team:read'],
      },
      as(owner, { 'x-request-id': requestId }),
    );
    expect(reply.status).toBe(201);
    expect(reply.headers.get('etag')).toBe('"1"');
    expect(reply.body.data).toMatchObject({
      name: 'Support lead',
      description: 'Runs support',
      built_in: false,
      permissions: ['team:read', 'team:manage'],
      version: 1,
    });
    const [entry] = (await auditEntries(org.id, 'role.created')).filter(
      (e) => e.targetId === reply.body.data.id,
    );
    expect(entry).toMatchObject({
      actorId: owner.id,
      actorType: 'user',
      requestId,
      targetType: 'role',
    });
  });

  it('answers 422 naming each unknown permission by its index', async () => {
    const reply = await api.post(
      rolesPath(),
      { name: 'Broken', permissions: ['member:read', 'member:fly'] },
      as(owner),
    );
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    expect(reply.body.error.details).toEqual([
      { field: 'permissions.1', message: expect.stringContaining('member:fly') },
    ]);
  });

  it('answers 422 on name for a built-in role name, in any case', async () => {
    const reply = await api.post(rolesPath(), { name: 'Admin', permissions: [] }, as(owner));
    expect(reply.status).toBe(422);
    expect(reply.body.error.details).toEqual([
      { field: 'name', message: expect.stringContaining('built-in') },
    ]);
  });

  it('answers 409 when the name is taken, whatever its case', async () => {
    const role = await createRole();
    const reply = await api.post(
      rolesPath(),
      { name: role.name.toUpperCase(), permissions: [] },
      as(owner),
    );
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('CONFLICT');
  });

  it('answers 403 to an admin creating a role with a permission admins lack', async () => {
    const admin = await memberWithRole(t, api, org.id, 'admin');
    const reply = await api.post(
      rolesPath(),
      { name: `Deleter ${uniqueTag()}`, permissions: ['organization:delete'] },
      as(admin),
    );
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('FORBIDDEN');
  });
});

describe('changing roles', () => {
  it('changes a custom role with If-Match; a stale If-Match answers 412 and changes nothing', async () => {
    const role = await createRole();
    const changed = await api.patch(
      `${rolesPath()}/${role.id}`,
      { description: 'Now with audit', permissions: ['audit:read'] },
      as(owner, { 'if-match': '"1"' }),
    );
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expect(changed.body.data).toMatchObject({ permissions: ['audit:read'], version: 2 });

    const stale = await api.patch(
      `${rolesPath()}/${role.id}`,
      { description: 'Lost' },
      as(owner, { 'if-match': '"1"' }),
    );
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
    const read = await api.get(`${rolesPath()}/${role.id}`, as(owner));
    expect(read.body.data.description).toBe('Now with audit');

    const entries = (await auditEntries(org.id, 'role.updated')).filter(
      (e) => e.targetId === role.id,
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]?.changes).toMatchObject({
      permissions: { added: ['audit:read'], removed: ['member:read', 'team:read'] },
    });
  });

  it.each(['owner', 'member'])('answers 409 to changing the built-in role %s', async (name) => {
    const reply = await api.patch(`${rolesPath()}/${name}`, { description: 'Mine' }, as(owner));
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatchObject({
      code: 'CONFLICT',
      message: 'Built-in roles are read-only',
    });
  });

  it('judges a holder by the changed role on their very next request', async () => {
    const role = await createRole({ permissions: ['team:read', 'team:manage'] });
    const holder = await memberWithRole(t, api, org.id, role.id);
    const teams = `/api/v1/organizations/${org.id}/teams`;
    const before = await api.post(teams, { name: `Before ${uniqueTag()}` }, as(holder));
    expect(before.status).toBe(201);

    const demoted = await api.patch(
      `${rolesPath()}/${role.id}`,
      { permissions: ['team:read'] },
      as(owner),
    );
    expect(demoted.status).toBe(200);

    const after = await api.post(teams, { name: `After ${uniqueTag()}` }, as(holder));
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe('FORBIDDEN');
    expect((await api.get(teams, as(holder))).status).toBe(200);
  });
});

describe('deleting roles', () => {
  it('answers 409 to deleting a role in use by a member, and keeps it; once unused it deletes (204)', async () => {
    const role = await createRole();
    const holder = await memberWithRole(t, api, org.id, role.id);

    const refused = await api.delete(`${rolesPath()}/${role.id}`, as(owner));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');
    expect((await api.get(`${rolesPath()}/${role.id}`, as(owner))).status).toBe(200);

    await t.app.deps.uow.run((tx) => tx.memberships.updateRole(org.id, holder.id, 'member'), {
      organizationId: org.id,
    });
    const requestId = `req-${uniqueTag()}`;
    const deleted = await api.delete(
      `${rolesPath()}/${role.id}`,
      as(owner, { 'x-request-id': requestId, 'if-match': '"1"' }),
    );
    expect(deleted.status).toBe(204);
    expect((await api.get(`${rolesPath()}/${role.id}`, as(owner))).status).toBe(404);
    expect(
      (await auditEntries(org.id, 'role.deleted')).filter((e) => e.targetId === role.id),
    ).toEqual([expect.objectContaining({ actorId: owner.id, requestId })]);
  });

  it('answers 409 to deleting a role an API key is bound to', async () => {
    const role = await createRole();
    await t.app.deps.uow.run(
      (tx) =>
        tx.apiKeys.create({
          id: crypto.randomUUID(),
          organizationId: org.id,
          name: 'CI',
          prefix: `p${uniqueTag()}`,
          secretHash: 'hash',
          role: role.id,
          createdBy: owner.id,
          now: new Date(),
          expiresAt: null,
        }),
      { organizationId: org.id },
    );
    const reply = await api.delete(`${rolesPath()}/${role.id}`, as(owner));
    expect(reply.status).toBe(409);
    expect(reply.body.error.message).toContain('API key');
  });

  it('answers 409 to deleting a built-in role', async () => {
    const reply = await api.delete(`${rolesPath()}/viewer`, as(owner));
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('CONFLICT');
  });

  it('answers 412 to a delete with a stale If-Match', async () => {
    const role = await createRole();
    await api.patch(`${rolesPath()}/${role.id}`, { description: 'v2' }, as(owner));
    const reply = await api.delete(`${rolesPath()}/${role.id}`, as(owner, { 'if-match': '"1"' }));
    expect(reply.status).toBe(412);
  });
});

describe('tenant isolation and permissions', () => {
  it('answers 404 and no data to a member of another organization on every roles route', async () => {
    const role = await createRole();
    const stranger = await signIn(t, api);
    await createOrganization(api, stranger);
    const base = rolesPath();
    for (const reply of [
      await api.get(base, as(stranger)),
      await api.get(`${base}/${role.id}`, as(stranger)),
      await api.get(`${base}/owner`, as(stranger)),
      await api.post(base, { name: 'Mine', permissions: [] }, as(stranger)),
      await api.patch(`${base}/${role.id}`, { name: 'Hijacked' }, as(stranger)),
      await api.delete(`${base}/${role.id}`, as(stranger)),
    ]) {
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('NOT_FOUND');
      expect(JSON.stringify(reply.body)).not.toContain(role.id);
    }
  });

  it('answers 404 to the owner of organization B naming a role of organization A under B', async () => {
    const role = await createRole();
    const ownerB = await signIn(t, api);
    const orgB = await createOrganization(api, ownerB);
    const base = rolesPath(orgB.id);
    for (const reply of [
      await api.get(`${base}/${role.id}`, as(ownerB)),
      await api.patch(`${base}/${role.id}`, { name: 'Hijacked' }, as(ownerB)),
      await api.delete(`${base}/${role.id}`, as(ownerB)),
    ]) {
      expect(reply.status).toBe(404);
    }
    expect(
      (await api.get(base, as(ownerB))).body.data.map((r: { id: string }) => r.id),
    ).not.toContain(role.id);
    expect((await api.get(`${rolesPath()}/${role.id}`, as(owner))).body.data.name).toBe(role.name);
  });

  it('lets a viewer read roles but answers 403 to every write', async () => {
    const role = await createRole();
    const viewer = await memberWithRole(t, api, org.id, 'viewer');
    expect((await api.get(rolesPath(), as(viewer))).status).toBe(200);
    for (const reply of [
      await api.post(rolesPath(), { name: 'Mine', permissions: [] }, as(viewer)),
      await api.patch(`${rolesPath()}/${role.id}`, { name: 'Nope' }, as(viewer)),
      await api.delete(`${rolesPath()}/${role.id}`, as(viewer)),
    ]) {
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('answers 403 to a requester reading roles (no role:read)', async () => {
    const requester = await memberWithRole(t, api, org.id, 'requester');
    expect((await api.get(rolesPath(), as(requester))).status).toBe(403);
  });

  it('answers 401 without a token on every roles route', async () => {
    const role = await createRole();
    for (const reply of [
      await api.get(rolesPath()),
      await api.get(`${rolesPath()}/${role.id}`),
      await api.post(rolesPath(), { name: 'X', permissions: [] }),
      await api.patch(`${rolesPath()}/${role.id}`, { name: 'Y' }),
      await api.delete(`${rolesPath()}/${role.id}`),
    ]) {
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    }
  });
});
