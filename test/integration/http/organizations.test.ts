// Organizations through HTTP: the tenant's own CRUD, and strangers learning nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let stranger: SignedInUser;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  stranger = await signIn(t, api);
});
afterAll(async () => {
  await t.close();
});

const newSlug = () => `org-${uniqueTag()}`;

async function createOrg(user: SignedInUser, fields: Record<string, unknown> = {}) {
  const reply = await api.post(
    '/api/v1/organizations',
    { name: 'Acme', slug: newSlug(), ...fields },
    { token: user.accessToken },
  );
  expect(reply.status).toBe(201);
  return reply.body.data as { id: string; slug: string; version: number };
}

/** Adds `user` to the organization with a role, straight through the repository (the member API comes later). */
async function addMember(orgId: string, user: SignedInUser, role: 'member' | 'viewer') {
  const membership = {
    id: crypto.randomUUID(),
    organizationId: orgId,
    userId: user.id,
    role,
    now: new Date(),
  };
  await t.app.deps.uow.run((tx) => tx.memberships.add(membership), { organizationId: orgId });
}

describe('creating and reading', () => {
  it('creates an organization whose creator is the owner, with an ETag', async () => {
    const slug = newSlug();
    const reply = await api.post(
      '/api/v1/organizations',
      { name: '  Acme Corp ', slug, timezone: 'America/New_York' },
      { token: owner.accessToken },
    );
    expect(reply.status).toBe(201);
    expect(reply.body.data).toMatchObject({
      name: 'Acme Corp',
      slug,
      timezone: 'America/New_York',
      role: 'owner',
      version: 1,
    });
    expect(reply.headers.get('etag')).toBe('"1"');
  });

  it('reads it by id and by slug', async () => {
    const org = await createOrg(owner);
    for (const ref of [org.id, org.slug]) {
      const reply = await api.get(`/api/v1/organizations/${ref}`, { token: owner.accessToken });
      expect(reply.status).toBe(200);
      expect(reply.body.data.id).toBe(org.id);
    }
  });

  it('lists the caller’s organizations with cursor pagination', async () => {
    const user = await signIn(t, api);
    const created = [await createOrg(user), await createOrg(user), await createOrg(user)];
    const first = await api.get('/api/v1/organizations?limit=2', { token: user.accessToken });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.meta.pagination).toMatchObject({ limit: 2, has_more: true });
    const second = await api.get(
      `/api/v1/organizations?limit=2&cursor=${first.body.meta.pagination.next_cursor}`,
      { token: user.accessToken },
    );
    expect(second.body.data).toHaveLength(1);
    expect(second.body.meta.pagination).toEqual({ limit: 2, next_cursor: null, has_more: false });
    const ids = [...first.body.data, ...second.body.data].map((o: { id: string }) => o.id);
    expect(ids.sort()).toEqual(created.map((o) => o.id).sort());
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=abc', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
  ])('answers 422 for %s', async (query, field) => {
    const reply = await api.get(`/api/v1/organizations?${query}`, { token: owner.accessToken });
    expect(reply.status).toBe(422);
    expect(reply.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('answers 409 when the slug is taken', async () => {
    const org = await createOrg(owner);
    const reply = await api.post(
      '/api/v1/organizations',
      { name: 'Other', slug: org.slug },
      { token: stranger.accessToken },
    );
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('CONFLICT');
  });

  it.each([
    ['ab', 'slug'],
    ['x'.repeat(49), 'slug'],
    ['Upper', 'slug'],
    ['-lead', 'slug'],
    ['two--hyphens', 'slug'],
  ])('rejects the slug %s with 422', async (slug, field) => {
    const reply = await api.post(
      '/api/v1/organizations',
      { name: 'Acme', slug },
      { token: owner.accessToken },
    );
    expect(reply.status).toBe(422);
    expect(reply.body.error.details[0].field).toBe(field);
  });

  it('rejects an empty name and an unknown timezone with 422', async () => {
    expect(
      (
        await api.post(
          '/api/v1/organizations',
          { name: '   ', slug: newSlug() },
          { token: owner.accessToken },
        )
      ).status,
    ).toBe(422);
    expect(
      (
        await api.post(
          '/api/v1/organizations',
          { name: 'A', slug: newSlug(), timezone: 'Nowhere/City' },
          { token: owner.accessToken },
        )
      ).status,
    ).toBe(422);
  });
});

describe('changing and deleting', () => {
  it('renames with If-Match, and a stale If-Match answers 412 changing nothing', async () => {
    const org = await createOrg(owner);
    const renamed = await api.patch(
      `/api/v1/organizations/${org.id}`,
      { name: 'Renamed' },
      { token: owner.accessToken, headers: { 'if-match': '"1"' } },
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ name: 'Renamed', version: 2 });
    expect(renamed.headers.get('etag')).toBe('"2"');

    const stale = await api.patch(
      `/api/v1/organizations/${org.id}`,
      { name: 'Lost' },
      { token: owner.accessToken, headers: { 'if-match': '"1"' } },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
    const read = await api.get(`/api/v1/organizations/${org.id}`, { token: owner.accessToken });
    expect(read.body.data.name).toBe('Renamed');
  });

  it('changes the slug; a taken slug answers 409', async () => {
    const a = await createOrg(owner);
    const b = await createOrg(owner);
    const slug = newSlug();
    expect(
      (await api.patch(`/api/v1/organizations/${a.id}`, { slug }, { token: owner.accessToken }))
        .body.data.slug,
    ).toBe(slug);
    expect(
      (await api.patch(`/api/v1/organizations/${b.id}`, { slug }, { token: owner.accessToken }))
        .status,
    ).toBe(409);
  });

  it('answers 422 to an empty or unknown-field PATCH', async () => {
    const org = await createOrg(owner);
    expect(
      (await api.patch(`/api/v1/organizations/${org.id}`, {}, { token: owner.accessToken })).status,
    ).toBe(422);
    expect(
      (
        await api.patch(
          `/api/v1/organizations/${org.id}`,
          { plan: 'free' },
          { token: owner.accessToken },
        )
      ).status,
    ).toBe(422);
  });

  it('soft-deletes; afterwards it is 404 to its owner and leaves the list, and its slug is free again', async () => {
    const org = await createOrg(owner);
    expect(
      (await api.delete(`/api/v1/organizations/${org.id}`, { token: owner.accessToken })).status,
    ).toBe(204);
    expect(
      (await api.get(`/api/v1/organizations/${org.id}`, { token: owner.accessToken })).status,
    ).toBe(404);
    const list = await api.get('/api/v1/organizations?limit=200', { token: owner.accessToken });
    expect(list.body.data.map((o: { id: string }) => o.id)).not.toContain(org.id);
    await createOrg(stranger, { slug: org.slug });
  });
});

describe('tenant isolation', () => {
  it('answers 404 — never 403, never data — to a user who is not a member, on every organization route', async () => {
    const org = await createOrg(owner);
    const calls = [
      () => api.get(`/api/v1/organizations/${org.id}`, { token: stranger.accessToken }),
      () => api.get(`/api/v1/organizations/${org.slug}`, { token: stranger.accessToken }),
      () =>
        api.patch(
          `/api/v1/organizations/${org.id}`,
          { name: 'Hijacked' },
          { token: stranger.accessToken },
        ),
      () => api.delete(`/api/v1/organizations/${org.id}`, { token: stranger.accessToken }),
    ];
    for (const call of calls) {
      const reply = await call();
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
      expect(JSON.stringify(reply.body)).not.toContain(org.id);
    }
    const unknown = await api.get(`/api/v1/organizations/${crypto.randomUUID()}`, {
      token: stranger.accessToken,
    });
    expect(unknown.body.error).toEqual((await calls[0]!()).body.error);
    const stillThere = await api.get(`/api/v1/organizations/${org.id}`, {
      token: owner.accessToken,
    });
    expect(stillThere.body.data.name).toBe('Acme');
  });

  it('lets a member read but answers 403 to its change and delete', async () => {
    const org = await createOrg(owner);
    const member = await signIn(t, api);
    await addMember(org.id, member, 'member');
    const read = await api.get(`/api/v1/organizations/${org.id}`, { token: member.accessToken });
    expect(read.status).toBe(200);
    expect(read.body.data.role).toBe('member');
    expect(
      (
        await api.patch(
          `/api/v1/organizations/${org.id}`,
          { name: 'Nope' },
          { token: member.accessToken },
        )
      ).status,
    ).toBe(403);
    expect(
      (await api.delete(`/api/v1/organizations/${org.id}`, { token: member.accessToken })).status,
    ).toBe(403);
  });

  it('answers 401 without a token on every organization route', async () => {
    const org = await createOrg(owner);
    for (const reply of [
      await api.get('/api/v1/organizations'),
      await api.post('/api/v1/organizations', { name: 'A', slug: newSlug() }),
      await api.get(`/api/v1/organizations/${org.id}`),
      await api.patch(`/api/v1/organizations/${org.id}`, { name: 'B' }),
      await api.delete(`/api/v1/organizations/${org.id}`),
    ]) {
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('the write window', () => {
  const officeHours = {
    start: '09:00',
    end: '17:00',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    roles: ['member'],
  };
  const patch = (org: { id: string }, body: unknown, token = owner.accessToken) =>
    api.patch(`/api/v1/organizations/${org.id}`, body, { token });

  it('is null on a new organization, in reads and lists', async () => {
    const user = await signIn(t, api);
    const org = await createOrg(user);
    const read = await api.get(`/api/v1/organizations/${org.id}`, { token: user.accessToken });
    expect(read.body.data.write_window).toBeNull();
    const list = await api.get('/api/v1/organizations', { token: user.accessToken });
    expect(list.body.data).toEqual([expect.objectContaining({ id: org.id, write_window: null })]);
  });

  it('is set with exempt_priorities defaulting to ["critical"], read back, listed, and cleared by null', async () => {
    const user = await signIn(t, api);
    const org = await createOrg(user);
    const set = await patch(org, { write_window: officeHours }, user.accessToken);
    expect(set.status).toBe(200);
    const shown = { ...officeHours, exempt_priorities: ['critical'] };
    expect(set.body.data).toMatchObject({ write_window: shown, version: 2 });
    expect(set.headers.get('etag')).toBe('"2"');

    const read = await api.get(`/api/v1/organizations/${org.slug}`, { token: user.accessToken });
    expect(read.body.data.write_window).toEqual(shown);
    const list = await api.get('/api/v1/organizations', { token: user.accessToken });
    expect(list.body.data[0].write_window).toEqual(shown);

    const explicit = await patch(
      org,
      { write_window: { ...officeHours, exempt_priorities: ['high', 'critical'] } },
      user.accessToken,
    );
    expect(explicit.body.data.write_window.exempt_priorities).toEqual(['high', 'critical']);

    const cleared = await patch(org, { write_window: null }, user.accessToken);
    expect(cleared.status).toBe(200);
    expect(cleared.body.data).toMatchObject({ write_window: null, version: 4 });
    const after = await api.get(`/api/v1/organizations/${org.id}`, { token: user.accessToken });
    expect(after.body.data.write_window).toBeNull();
  });

  it('is audited as organization.updated with from and to', async () => {
    const org = await createOrg(owner);
    await patch(org, { write_window: officeHours });
    const log = await api.get(
      `/api/v1/organizations/${org.id}/audit-log?action=organization.updated`,
      {
        token: owner.accessToken,
      },
    );
    expect(log.status).toBe(200);
    expect(log.body.data).toEqual([
      expect.objectContaining({
        changes: {
          write_window: { from: null, to: { ...officeHours, exempt_priorities: ['critical'] } },
        },
      }),
    ]);
  });

  it.each([
    ['start 24:00', { start: '24:00' }, 'write_window.start'],
    ['start 9:00', { start: '9:00' }, 'write_window.start'],
    ['end 17:60', { end: '17:60' }, 'write_window.end'],
    ['a missing end', { end: undefined }, 'write_window.end'],
    ['no days', { days: [] }, 'write_window.days'],
    ['an unknown day', { days: ['mon', 'funday'] }, 'write_window.days'],
    ['a repeated day', { days: ['mon', 'mon'] }, 'write_window.days'],
    ['days not a list', { days: 'mon' }, 'write_window.days'],
    ['no roles', { roles: [] }, 'write_window.roles'],
    ['an unknown role', { roles: ['wizard'] }, 'write_window.roles'],
    ['a blank role', { roles: [''] }, 'write_window.roles'],
    ['an unknown priority', { exempt_priorities: ['urgent'] }, 'write_window.exempt_priorities'],
    [
      'a repeated priority',
      { exempt_priorities: ['low', 'low'] },
      'write_window.exempt_priorities',
    ],
    ['an unknown field', { timezone: 'UTC' }, 'write_window'],
  ])('answers 422 for %s, naming the field, and changes nothing', async (_label, fields, field) => {
    const org = await createOrg(owner);
    const reply = await patch(org, { write_window: { ...officeHours, ...fields } });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    expect(reply.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}($|\\.)`)),
    ]);
    const read = await api.get(`/api/v1/organizations/${org.id}`, { token: owner.accessToken });
    expect(read.body.data).toMatchObject({ write_window: null, version: 1 });
  });

  it('answers 422 to a window that is not an object', async () => {
    const org = await createOrg(owner);
    const reply = await patch(org, { write_window: 'office hours' });
    expect(reply.status).toBe(422);
    expect(reply.body.error.details[0].field).toBe('write_window');
  });

  it('answers 403 to a member and 404 to a stranger, changing nothing', async () => {
    const org = await createOrg(owner);
    const member = await signIn(t, api);
    await addMember(org.id, member, 'member');
    expect((await patch(org, { write_window: officeHours }, member.accessToken)).status).toBe(403);
    expect((await patch(org, { write_window: null }, stranger.accessToken)).status).toBe(404);
    const read = await api.get(`/api/v1/organizations/${org.id}`, { token: owner.accessToken });
    expect(read.body.data).toMatchObject({ write_window: null, version: 1 });
  });
});

describe('organization lookups served from the cache', () => {
  it('follow a slug change, a setting change and a deletion at once', async () => {
    const created = await createOrg(owner);
    const token = { token: owner.accessToken };
    expect((await api.get(`/api/v1/organizations/${created.slug}`, token)).status).toBe(200);
    expect((await api.get(`/api/v1/organizations/${created.id}`, token)).status).toBe(200);

    const renamed = newSlug();
    const patched = await api.patch(
      `/api/v1/organizations/${created.id}`,
      { slug: renamed, timezone: 'Europe/Amsterdam' },
      token,
    );
    expect(patched.status).toBe(200);
    expect((await api.get(`/api/v1/organizations/${created.slug}`, token)).status).toBe(404);
    const byNewSlug = await api.get(`/api/v1/organizations/${renamed}`, token);
    expect(byNewSlug.body.data).toMatchObject({ slug: renamed, timezone: 'Europe/Amsterdam' });
    const byId = await api.get(`/api/v1/organizations/${created.id}`, token);
    expect(byId.body.data).toMatchObject({ slug: renamed, timezone: 'Europe/Amsterdam' });

    expect((await api.delete(`/api/v1/organizations/${created.id}`, token)).status).toBe(204);
    expect((await api.get(`/api/v1/organizations/${created.id}`, token)).status).toBe(404);
    expect((await api.get(`/api/v1/organizations/${renamed}`, token)).status).toBe(404);
  });
});
