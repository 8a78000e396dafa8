// The audit log through HTTP: every write shows up with its actor and request id, filtered and
// paged newest first, readable only by roles holding audit:read, invisible to other tenants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import { memberWithRole, type TestOrganization } from '../../support/tenancy.js';

interface Entry {
  id: string;
  actor_type: string;
  actor_id: string;
  action: string;
  target_type: string;
  target_id: string | null;
  changes: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  at: string;
}

let t: TestApp;
let api: Client;
let owner: SignedInUser;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
});
afterAll(async () => {
  await t.close();
});

const auditPath = (org: TestOrganization, query = '') =>
  `/api/v1/organizations/${org.id}/audit-log${query === '' ? '' : `?${query}`}`;

async function createOrg(user: SignedInUser): Promise<{ org: TestOrganization; reply: Reply }> {
  const reply = await api.post(
    '/api/v1/organizations',
    { name: 'Audited', slug: `org-${uniqueTag()}` },
    { token: user.accessToken },
  );
  expect(reply.status).toBe(201);
  return { org: { id: reply.body.data.id, slug: reply.body.data.slug }, reply };
}

async function rename(org: TestOrganization, user: SignedInUser, name: string): Promise<Reply> {
  const reply = await api.patch(
    `/api/v1/organizations/${org.id}`,
    { name },
    { token: user.accessToken },
  );
  expect(reply.status).toBe(200);
  return reply;
}

async function entries(org: TestOrganization, query = '', user = owner): Promise<Entry[]> {
  const reply = await api.get(auditPath(org, query), { token: user.accessToken });
  expect(reply.status).toBe(200);
  return reply.body.data as Entry[];
}

/** Every entry, page by page, following next_cursor. */
async function allPages(org: TestOrganization, limit: number): Promise<Entry[][]> {
  const pages: Entry[][] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`;
    const reply = await api.get(auditPath(org, query), { token: owner.accessToken });
    expect(reply.status).toBe(200);
    pages.push(reply.body.data);
    cursor = reply.body.meta.pagination.next_cursor;
    expect(reply.body.meta.pagination.has_more).toBe(cursor !== null);
  } while (cursor !== null);
  return pages;
}

describe('what the owner sees', () => {
  it('lists the creation and each update with actor, target, changes and the request id', async () => {
    const { org, reply: created } = await createOrg(owner);
    const updated = await api.patch(
      `/api/v1/organizations/${org.id}`,
      { name: 'Renamed' },
      { token: owner.accessToken, headers: { 'user-agent': 'audit-test/1.0' } },
    );
    expect(updated.status).toBe(200);

    const reply = await api.get(auditPath(org), { token: owner.accessToken });
    expect(reply.status).toBe(200);
    expect(reply.body.meta.pagination).toEqual({ limit: 50, next_cursor: null, has_more: false });
    const [update, creation] = reply.body.data as Entry[];
    expect(reply.body.data).toHaveLength(2);

    expect(creation).toMatchObject({
      actor_type: 'user',
      actor_id: owner.id,
      action: 'organization.created',
      target_type: 'organization',
      target_id: org.id,
      changes: { name: 'Audited', slug: org.slug },
      request_id: created.headers.get('x-request-id'),
    });
    expect(update).toMatchObject({
      actor_type: 'user',
      actor_id: owner.id,
      action: 'organization.updated',
      target_type: 'organization',
      target_id: org.id,
      changes: { name: { from: 'Audited', to: 'Renamed' } },
      user_agent: 'audit-test/1.0',
      request_id: updated.headers.get('x-request-id'),
    });
    expect(update!.ip).toEqual(expect.any(String));
    expect(update!.request_id).toEqual(expect.any(String));
    expect(Date.parse(update!.at)).toBeGreaterThanOrEqual(Date.parse(creation!.at));
  });

  it('keeps the request id the client sent', async () => {
    const { org } = await createOrg(owner);
    const requestId = `req-${uniqueTag()}`;
    const reply = await api.patch(
      `/api/v1/organizations/${org.id}`,
      { name: 'Traced' },
      { token: owner.accessToken, headers: { 'x-request-id': requestId } },
    );
    expect(reply.headers.get('x-request-id')).toBe(requestId);
    const [latest] = await entries(org);
    expect(latest).toMatchObject({ action: 'organization.updated', request_id: requestId });
  });

  it('shows nothing of another organization', async () => {
    const { org: mine } = await createOrg(owner);
    const { org: theirs } = await createOrg(await signIn(t, api));
    const seen = await entries(mine);
    expect(seen.map((e) => e.target_id)).not.toContain(theirs.id);
    expect(seen.every((e) => e.target_id === mine.id)).toBe(true);
  });
});

describe('filters', () => {
  let org: TestOrganization;
  let admin: SignedInUser;
  let all: Entry[];

  beforeAll(async () => {
    ({ org } = await createOrg(owner));
    admin = await memberWithRole(t, api, org.id, 'admin');
    await rename(org, owner, 'By the owner');
    await rename(org, admin, 'By the admin');
    await rename(org, owner, 'By the owner again');
    all = await entries(org);
    expect(all.map((e) => e.action)).toEqual([
      'organization.updated',
      'organization.updated',
      'organization.updated',
      'organization.created',
    ]);
  });

  it('by actor_id', async () => {
    const byAdmin = await entries(org, `actor_id=${admin.id}`);
    expect(byAdmin.map((e) => e.changes)).toEqual([
      { name: { from: 'By the owner', to: 'By the admin' } },
    ]);
    const byOwner = await entries(org, `actor_id=${owner.id}`);
    expect(byOwner.map((e) => e.id)).toEqual(
      all.filter((e) => e.actor_id === owner.id).map((e) => e.id),
    );
    expect(byOwner).toHaveLength(3);
  });

  it('by action and by target_type', async () => {
    expect((await entries(org, 'action=organization.created')).map((e) => e.id)).toEqual([
      all[3]!.id,
    ]);
    expect(await entries(org, 'action=organization.deleted')).toEqual([]);
    expect((await entries(org, 'target_type=organization')).map((e) => e.id)).toEqual(
      all.map((e) => e.id),
    );
    expect(await entries(org, 'target_type=team')).toEqual([]);
  });

  it('by since (inclusive) and until (exclusive), combined with other filters', async () => {
    const middle = all[1]!.at;
    const since = await entries(org, `since=${encodeURIComponent(middle)}`);
    expect(since.map((e) => e.id)).toEqual(all.filter((e) => e.at >= middle).map((e) => e.id));
    expect(since.length).toBeGreaterThan(0);

    const until = await entries(org, `until=${encodeURIComponent(middle)}`);
    expect(until.map((e) => e.id)).toEqual(all.filter((e) => e.at < middle).map((e) => e.id));

    const window = await entries(
      org,
      `since=${encodeURIComponent(all[3]!.at)}&until=${encodeURIComponent(
        new Date(Date.parse(all[0]!.at) + 1).toISOString(),
      )}&action=organization.updated&actor_id=${admin.id}`,
    );
    expect(window.map((e) => e.actor_id)).toEqual([admin.id]);
  });

  it('accepts RFC 3339 times with an offset', async () => {
    const later = await entries(org, `since=${encodeURIComponent('2999-01-01T01:00:00+01:00')}`);
    expect(later).toEqual([]);
    const earlier = await entries(org, `until=${encodeURIComponent('2000-01-01T00:00:00+00:00')}`);
    expect(earlier).toEqual([]);
  });

  it.each([
    ['since later than until', 'since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z', 'since'],
    ['a since that is not RFC 3339', 'since=yesterday', 'since'],
    ['an until that is not RFC 3339', 'until=2026-13-01', 'until'],
    ['an actor_id that is not a UUID', 'actor_id=someone', 'actor_id'],
    ['an empty action', 'action=', 'action'],
    ['a cursor that is not ours', 'cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['limit=0', 'limit=0', 'limit'],
    ['limit=201', 'limit=201', 'limit'],
  ])('answers 422 for %s', async (_label, query, field) => {
    const reply = await api.get(auditPath(org, query), { token: owner.accessToken });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    expect(reply.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});

describe('paging', () => {
  it('walks every entry once, newest first, in pages of the asked size', async () => {
    const { org } = await createOrg(owner);
    for (let i = 1; i <= 6; i++) await rename(org, owner, `Name ${i}`);
    const everything = await entries(org, 'limit=200');
    expect(everything).toHaveLength(7);

    const pages = await allPages(org, 3);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((e) => e.id)).toEqual(everything.map((e) => e.id));
    const times = everything.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('stays stable when new entries arrive between pages', async () => {
    const { org } = await createOrg(owner);
    for (let i = 1; i <= 4; i++) await rename(org, owner, `Name ${i}`);
    const before = await entries(org, 'limit=200');

    const first = await api.get(auditPath(org, 'limit=2'), { token: owner.accessToken });
    await rename(org, owner, 'Arrived while paging');
    const rest: Entry[] = [];
    let cursor: string | null = first.body.meta.pagination.next_cursor;
    while (cursor !== null) {
      const reply = await api.get(auditPath(org, `limit=2&cursor=${cursor}`), {
        token: owner.accessToken,
      });
      rest.push(...(reply.body.data as Entry[]));
      cursor = reply.body.meta.pagination.next_cursor;
    }
    expect([...first.body.data, ...rest].map((e: Entry) => e.id)).toEqual(before.map((e) => e.id));
    const after = await entries(org, 'limit=200');
    expect(after[0]!.changes).toEqual({ name: { from: 'Name 4', to: 'Arrived while paging' } });
  });

  it('answers no next cursor when the last page is exactly full', async () => {
    const { org } = await createOrg(owner);
    await rename(org, owner, 'Second entry');
    const pages = await allPages(org, 2);
    expect(pages.map((p) => p.length)).toEqual([2]);
  });
});

describe('who may read it', () => {
  let org: TestOrganization;

  beforeAll(async () => {
    ({ org } = await createOrg(owner));
  });

  it.each(['admin'])('lets an %s read it', async (role) => {
    const reader = await memberWithRole(t, api, org.id, role);
    expect((await entries(org, '', reader)).length).toBeGreaterThan(0);
  });

  it.each(['manager', 'member', 'viewer', 'requester'])(
    'answers 403 FORBIDDEN to a %s',
    async (role) => {
      const reader = await memberWithRole(t, api, org.id, role);
      const reply = await api.get(auditPath(org), { token: reader.accessToken });
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
    },
  );

  it('answers 404 NOT_FOUND, with no data, to the owner of another organization', async () => {
    const stranger = await signIn(t, api);
    await createOrg(stranger);
    for (const ref of [org.id, org.slug]) {
      const reply = await api.get(`/api/v1/organizations/${ref}/audit-log`, {
        token: stranger.accessToken,
      });
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
      expect(JSON.stringify(reply.body)).not.toContain(org.id);
      expect(reply.body.data).toBeUndefined();
    }
  });

  it('answers 401 UNAUTHENTICATED without a token', async () => {
    const reply = await api.get(auditPath(org));
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });
});
