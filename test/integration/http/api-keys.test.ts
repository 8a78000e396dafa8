// API keys through HTTP: minting and revoking, and a key acting as a service account only within
// its role and its organization, until revoked or expired.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
let org: TestOrganization;
let stranger: SignedInUser;
let strangersOrg: TestOrganization;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  stranger = await signIn(t, api);
  strangersOrg = await createOrganization(api, stranger);
});
afterAll(async () => {
  await t.close();
});

const KEY_SHAPE = /^tf_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/;
const keysPath = (orgRef: string) => `/api/v1/organizations/${orgRef}/api-keys`;

interface MintedKey {
  id: string;
  prefix: string;
  role: string;
  key: string;
}

async function mintKey(
  fields: Record<string, unknown> = {},
  by: string = owner.accessToken,
  orgId: string = org.id,
): Promise<MintedKey> {
  const reply = await api.post(
    keysPath(orgId),
    { name: 'CI', role: 'member', ...fields },
    {
      token: by,
    },
  );
  expect(reply.status).toBe(201);
  return reply.body.data;
}

const auditOf = (organizationId: string, action: string) =>
  t.app.deps.uow.run((tx) => tx.audit.list(organizationId, { action }, { limit: 50 }), {
    organizationId,
  });

describe('minting a key', () => {
  it('answers 201 with the whole key, shown this once and never again', async () => {
    const reply = await api.post(
      keysPath(org.slug),
      { name: 'Deploys', role: 'viewer' },
      { token: owner.accessToken },
    );
    expect(reply.status).toBe(201);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const created = reply.body.data;
    expect(created).toMatchObject({
      name: 'Deploys',
      role: 'viewer',
      created_by: owner.id,
      expires_at: null,
      last_used_at: null,
      revoked_at: null,
    });
    expect(created.key).toMatch(KEY_SHAPE);
    expect(created.key.startsWith(`tf_${created.prefix}_`)).toBe(true);

    const one = await api.get(`${keysPath(org.id)}/${created.id}`, { token: owner.accessToken });
    expect(one.status).toBe(200);
    expect(one.body.data).toEqual({ ...created, key: undefined });
    expect(JSON.stringify(one.body)).not.toContain(created.key.slice(16));
    const list = await api.get(keysPath(org.id), { token: owner.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.data.map((k: { id: string }) => k.id)).toContain(created.id);
    expect(JSON.stringify(list.body)).not.toContain(created.key.slice(16));
    expect(list.body.meta.pagination).toMatchObject({ has_more: false, next_cursor: null });
  });

  it('records apikey.created with the actor and the request id, never the secret', async () => {
    const requestId = 'req-mint-audit-1';
    const reply = await api.post(
      keysPath(org.id),
      { name: 'Audited', role: 'member' },
      { token: owner.accessToken, headers: { 'x-request-id': requestId } },
    );
    expect(reply.status).toBe(201);
    const entry = (await auditOf(org.id, 'apikey.created')).find(
      (e) => e.targetId === reply.body.data.id,
    );
    expect(entry).toMatchObject({
      actorType: 'user',
      actorId: owner.id,
      targetType: 'api_key',
      requestId,
      changes: { name: 'Audited', role: 'member', prefix: reply.body.data.prefix },
    });
    expect(JSON.stringify(entry)).not.toContain(reply.body.data.key.slice(16));
  });

  it('answers 422 to an unknown role, a past expiry, a misspelt field and a bad id', async () => {
    const bad = [
      { name: 'x', role: 'boss' },
      { name: 'x', role: crypto.randomUUID() },
      { name: 'x', role: 'member', expires_at: new Date(Date.now() - 1000).toISOString() },
      { name: 'x', role: 'member', expiresAt: new Date(Date.now() + 60_000).toISOString() },
      { name: '', role: 'member' },
    ];
    for (const body of bad) {
      const reply = await api.post(keysPath(org.id), body, { token: owner.accessToken });
      expect(reply.status, JSON.stringify(body)).toBe(422);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    }
    const reply = await api.delete(`${keysPath(org.id)}/not-a-uuid`, {
      token: owner.accessToken,
    });
    expect(reply.status).toBe(422);
  });

  it('answers 403 when the role grants more than the caller holds (an admin minting an owner key)', async () => {
    const admin = await memberWithRole(t, api, org.id, 'admin');
    const reply = await api.post(
      keysPath(org.id),
      { name: 'Too strong', role: 'owner' },
      { token: admin.accessToken },
    );
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('FORBIDDEN');
    await mintKey({ role: 'admin' }, admin.accessToken);
  });

  it('lets a key with apikey:manage mint keys within its role, recorded as made by the key', async () => {
    const adminKey = await mintKey({ role: 'admin' });
    const made = await mintKey({ role: 'member' }, adminKey.key);
    expect(made).toMatchObject({ created_by: adminKey.id });
    const entry = (await auditOf(org.id, 'apikey.created')).find((e) => e.targetId === made.id);
    expect(entry).toMatchObject({ actorType: 'apikey', actorId: adminKey.id });

    const owned = await api.post(
      keysPath(org.id),
      { name: 'x', role: 'owner' },
      { token: adminKey.key },
    );
    expect(owned.status).toBe(403);
  });
});

describe('who may manage keys', () => {
  it('answers 403 to a member without apikey:manage', async () => {
    for (const role of ['manager', 'member', 'viewer']) {
      const member = await memberWithRole(t, api, org.id, role);
      const created = await api.post(
        keysPath(org.id),
        { name: 'x', role: 'viewer' },
        { token: member.accessToken },
      );
      expect(created.status).toBe(403);
      expect(created.body.error.code).toBe('FORBIDDEN');
      expect((await api.get(keysPath(org.id), { token: member.accessToken })).status).toBe(403);
    }
  });

  it('answers 404, with no data, to another organization’s owner', async () => {
    const key = await mintKey();
    const replies = [
      await api.get(keysPath(org.id), { token: stranger.accessToken }),
      await api.get(keysPath(org.slug), { token: stranger.accessToken }),
      await api.get(`${keysPath(org.id)}/${key.id}`, { token: stranger.accessToken }),
      await api.post(
        keysPath(org.id),
        { name: 'x', role: 'viewer' },
        {
          token: stranger.accessToken,
        },
      ),
      await api.delete(`${keysPath(org.id)}/${key.id}`, { token: stranger.accessToken }),
      // The key's id under the stranger's own organization is no key of theirs.
      await api.delete(`${keysPath(strangersOrg.id)}/${key.id}`, { token: stranger.accessToken }),
    ];
    for (const reply of replies) {
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('NOT_FOUND');
      expect(reply.body.data).toBeUndefined();
    }
    expect((await api.get(`/api/v1/auth/whoami`, { token: key.key })).status).toBe(200);
  });

  it('answers 401 without a token and to a malformed or unknown key', async () => {
    const key = await mintKey();
    const wrongSecret = `${key.key.slice(0, -1)}${key.key.endsWith('A') ? 'B' : 'A'}`;
    for (const token of [undefined, 'tf_nonsense', wrongSecret]) {
      const replies = [
        await api.get(keysPath(org.id), { token }),
        await api.post(keysPath(org.id), { name: 'x', role: 'viewer' }, { token }),
        await api.delete(`${keysPath(org.id)}/${key.id}`, { token }),
      ];
      for (const reply of replies) {
        expect(reply.status).toBe(401);
        expect(reply.body.error.code).toBe('UNAUTHENTICATED');
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    }
  });
});

describe('a key at work', () => {
  it('reads its own organization by id and slug, and gets 404 for another one’s id and slug', async () => {
    const { key } = await mintKey({ role: 'viewer' });
    for (const ref of [org.id, org.slug]) {
      const reply = await api.get(`/api/v1/organizations/${ref}`, { token: key });
      expect(reply.status).toBe(200);
      expect(reply.body.data).toMatchObject({ id: org.id, role: 'viewer' });
    }
    for (const ref of [strangersOrg.id, strangersOrg.slug]) {
      // Its own owner reads it first, so the lookup is served from the cache for the key too.
      expect(
        (await api.get(`/api/v1/organizations/${ref}`, { token: stranger.accessToken })).status,
      ).toBe(200);
      const reply = await api.get(`/api/v1/organizations/${ref}`, { token: key });
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('NOT_FOUND');
      expect(JSON.stringify(reply.body)).not.toContain(strangersOrg.id);
    }
  });

  it('lists just its own organization', async () => {
    const { key } = await mintKey();
    const reply = await api.get('/api/v1/organizations', { token: key });
    expect(reply.status).toBe(200);
    expect(reply.body.data.map((o: { id: string }) => o.id)).toEqual([org.id]);
  });

  it('is held to its role: a viewer key gets 403 on changing the organization', async () => {
    const { key } = await mintKey({ role: 'viewer' });
    const reply = await api.patch(
      `/api/v1/organizations/${org.id}`,
      { name: 'Hacked' },
      {
        token: key,
      },
    );
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('FORBIDDEN');
  });

  it('cannot use routes that act on a person’s own account', async () => {
    const { key } = await mintKey({ role: 'admin' });
    const reply = await api.get('/api/v1/users/me', { token: key });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('FORBIDDEN');
  });

  it('sets last_used_at when used', async () => {
    const minted = await mintKey();
    const before = Date.now();
    expect((await api.get(`/api/v1/organizations/${org.id}`, { token: minted.key })).status).toBe(
      200,
    );
    const reply = await api.get(`${keysPath(org.id)}/${minted.id}`, {
      token: owner.accessToken,
    });
    expect(reply.body.data.last_used_at).not.toBeNull();
    expect(Date.parse(reply.body.data.last_used_at)).toBeGreaterThanOrEqual(before - 1000);
  });
});

describe('revoking and expiry', () => {
  it('stops a revoked key on the very next request, and records apikey.revoked', async () => {
    const minted = await mintKey({ role: 'admin' });
    const path = `/api/v1/organizations/${org.id}`;
    // Twice: the lookup and the grant are now cached.
    expect((await api.get(path, { token: minted.key })).status).toBe(200);
    expect((await api.get(path, { token: minted.key })).status).toBe(200);

    const requestId = 'req-revoke-audit-1';
    const revoked = await api.delete(`${keysPath(org.id)}/${minted.id}`, {
      token: owner.accessToken,
      headers: { 'x-request-id': requestId },
    });
    expect(revoked.status).toBe(204);

    const after = await api.get(path, { token: minted.key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    const one = await api.get(`${keysPath(org.id)}/${minted.id}`, { token: owner.accessToken });
    expect(one.body.data.revoked_at).not.toBeNull();
    const entry = (await auditOf(org.id, 'apikey.revoked')).find((e) => e.targetId === minted.id);
    expect(entry).toMatchObject({ actorType: 'user', actorId: owner.id, requestId });
    expect(
      (await api.delete(`${keysPath(org.id)}/${minted.id}`, { token: owner.accessToken })).status,
    ).toBe(404);
  });

  it('lets a key revoke itself when its role manages keys', async () => {
    const minted = await mintKey({ role: 'admin' });
    const reply = await api.delete(`${keysPath(org.id)}/${minted.id}`, { token: minted.key });
    expect(reply.status).toBe(204);
    expect((await api.get(keysPath(org.id), { token: minted.key })).status).toBe(401);
  });

  it('stops an expired key', async () => {
    const expiresAt = Date.now() + 60 * 60_000;
    const minted = await mintKey({ expires_at: new Date(expiresAt).toISOString() });
    expect(minted).toMatchObject({ expires_at: new Date(expiresAt).toISOString() });
    const path = `/api/v1/organizations/${org.id}`;
    expect((await api.get(path, { token: minted.key })).status).toBe(200);

    // The app reads the system clock (compose takes no other): rather than a key that lives a few
    // seconds and a sleep, Date alone is faked (timers stay real) and moved past the expiry.
    vi.useFakeTimers({ toFake: ['Date'], now: expiresAt + 1000 });
    try {
      const reply = await api.get(path, { token: minted.key });
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('listing', () => {
  it('pages with an opaque cursor', async () => {
    const fresh = await createOrganization(api, owner);
    const ids = [
      (await mintKey({}, owner.accessToken, fresh.id)).id,
      (await mintKey({}, owner.accessToken, fresh.id)).id,
      (await mintKey({}, owner.accessToken, fresh.id)).id,
    ];
    const first = await api.get(`${keysPath(fresh.id)}?limit=2`, { token: owner.accessToken });
    expect(first.body.data.map((k: { id: string }) => k.id)).toEqual(ids.slice(0, 2));
    expect(first.body.meta.pagination).toMatchObject({ limit: 2, has_more: true });
    const second = await api.get(
      `${keysPath(fresh.id)}?limit=2&cursor=${first.body.meta.pagination.next_cursor}`,
      { token: owner.accessToken },
    );
    expect(second.body.data.map((k: { id: string }) => k.id)).toEqual(ids.slice(2));
    expect(second.body.meta.pagination).toMatchObject({ has_more: false, next_cursor: null });
  });
});
