// GET /auth/whoami: what the presented credential is, and what it may do where.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS, type Permission } from '../../../src/domain/access/permissions.js';
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
let strangersOrg: TestOrganization;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  strangersOrg = await createOrganization(api, await signIn(t, api));
});
afterAll(async () => {
  await t.close();
});

const WHOAMI = '/api/v1/auth/whoami';
const sorted = (permissions: readonly Permission[]) => [...permissions].sort();

/** The session id an access token names (its `sid` claim). */
function sessionIdOf(accessToken: string): string {
  const payload = accessToken.split('.')[1]!;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).sid;
}

async function mintKey(role: string, name = 'Integration') {
  const reply = await api.post(
    `/api/v1/organizations/${org.id}/api-keys`,
    { name, role },
    { token: owner.accessToken },
  );
  expect(reply.status).toBe(201);
  return reply.body.data as { id: string; prefix: string; key: string };
}

describe('for a user', () => {
  it('describes the person and session, with no organization', async () => {
    const reply = await api.get(WHOAMI, { token: owner.accessToken });
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({
      principal: {
        type: 'user',
        id: owner.id,
        email: owner.email,
        session_id: sessionIdOf(owner.accessToken),
      },
      organization: null,
      role: null,
      permissions: [],
    });
  });

  it('gives the role and sorted effective permissions in a named organization (id or slug)', async () => {
    for (const ref of [org.id, org.slug]) {
      const reply = await api.get(`${WHOAMI}?organization=${ref}`, { token: owner.accessToken });
      expect(reply.status).toBe(200);
      expect(reply.body.data).toMatchObject({
        principal: { type: 'user', id: owner.id },
        organization: { id: org.id, slug: org.slug, name: 'Test Org' },
        role: 'owner',
        permissions: sorted(ROLE_PERMISSIONS.owner),
      });
    }
    const viewer = await memberWithRole(t, api, org.id, 'viewer');
    const reply = await api.get(`${WHOAMI}?organization=${org.id}`, {
      token: viewer.accessToken,
    });
    expect(reply.body.data).toMatchObject({
      role: 'viewer',
      permissions: sorted(ROLE_PERMISSIONS.viewer),
    });
  });

  it('answers 404 for an organization the user is not in, or that does not exist', async () => {
    for (const ref of [strangersOrg.id, strangersOrg.slug, crypto.randomUUID(), 'no-such-org']) {
      const reply = await api.get(`${WHOAMI}?organization=${ref}`, { token: owner.accessToken });
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('NOT_FOUND');
    }
  });
});

describe('for an API key', () => {
  it('describes the key, its organization, and exactly its built-in role’s permissions', async () => {
    for (const role of ['admin', 'manager', 'member', 'viewer', 'requester'] as const) {
      const minted = await mintKey(role, `${role} key`);
      const reply = await api.get(WHOAMI, { token: minted.key });
      expect(reply.status).toBe(200);
      expect(reply.body.data).toEqual({
        principal: { type: 'api_key', id: minted.id, name: `${role} key`, prefix: minted.prefix },
        organization: { id: org.id, slug: org.slug, name: 'Test Org' },
        role,
        permissions: sorted(ROLE_PERMISSIONS[role]),
      });
    }
  });

  it('holds exactly the permissions of its custom role', async () => {
    const permissions: Permission[] = ['task:read:own', 'organization:read', 'project:read'];
    const role = await t.app.deps.uow.run(
      (tx) =>
        tx.roles.create({
          id: crypto.randomUUID(),
          organizationId: org.id,
          name: `Reporter ${uniqueTag()}`,
          description: 'Reads projects',
          permissions,
          now: new Date(),
        }),
      { organizationId: org.id },
    );
    const minted = await mintKey(role.id);
    const reply = await api.get(WHOAMI, { token: minted.key });
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ role: role.id, permissions: sorted(permissions) });
  });

  it('answers for its own organization only', async () => {
    const minted = await mintKey('viewer');
    expect(
      (await api.get(`${WHOAMI}?organization=${org.slug}`, { token: minted.key })).status,
    ).toBe(200);
    for (const ref of [strangersOrg.id, strangersOrg.slug]) {
      const reply = await api.get(`${WHOAMI}?organization=${ref}`, { token: minted.key });
      expect(reply.status).toBe(404);
    }
  });

  it('answers 401 once the key is revoked', async () => {
    const minted = await mintKey('viewer');
    expect((await api.get(WHOAMI, { token: minted.key })).status).toBe(200);
    const revoked = await api.delete(`/api/v1/organizations/${org.id}/api-keys/${minted.id}`, {
      token: owner.accessToken,
    });
    expect(revoked.status).toBe(204);
    expect((await api.get(WHOAMI, { token: minted.key })).status).toBe(401);
  });
});

describe('without a credential', () => {
  it('answers 401', async () => {
    const reply = await api.get(WHOAMI);
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('UNAUTHENTICATED');
  });
});
