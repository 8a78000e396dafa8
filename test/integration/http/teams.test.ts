// Teams through HTTP: CRUD with ETags, cursor pages, team members, the audit trail, and strangers
// (including another organization's owner) learning nothing.
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

const teamsPath = (orgId = org.id) => `/api/v1/organizations/${orgId}/teams`;
const as = (user: SignedInUser, headers: Record<string, string> = {}) => ({
  token: user.accessToken,
  headers,
});

interface TeamBody {
  id: string;
  name: string;
  member_count: number;
  version: number;
}

async function createTeam(
  fields: { name?: string; description?: string } = {},
  by: SignedInUser = owner,
  orgId = org.id,
): Promise<TeamBody> {
  const reply = await api.post(
    teamsPath(orgId),
    { name: `Team ${uniqueTag()}`, ...fields },
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

describe('teams', () => {
  it('creates a team (201, ETag) and records team.created with the actor and request id', async () => {
    const requestId = `req-${uniqueTag()}`;
    const name = `Support ${uniqueTag()}`;
    const reply = await api.post(
      teamsPath(),
      { name: ` ${name} `, description: 'Front line' },
      as(owner, { 'x-request-id': requestId }),
    );
    expect(reply.status).toBe(201);
    expect(reply.headers.get('etag')).toBe('"1"');
    expect(reply.body.data).toEqual({
      id: expect.any(String),
      name,
      description: 'Front line',
      member_count: 0,
      version: 1,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const entries = (await auditEntries(org.id, 'team.created')).filter(
      (e) => e.targetId === reply.body.data.id,
    );
    expect(entries).toEqual([
      expect.objectContaining({ actorId: owner.id, requestId, targetType: 'team' }),
    ]);
  });

  it('answers 409 for a taken name, whatever its case, and 422 for an empty one', async () => {
    const team = await createTeam();
    const taken = await api.post(teamsPath(), { name: team.name.toLowerCase() }, as(owner));
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('CONFLICT');
    const empty = await api.post(teamsPath(), { name: '  ' }, as(owner));
    expect(empty.status).toBe(422);
    expect(empty.body.error.details[0].field).toBe('name');
  });

  it('lists teams with cursor pagination', async () => {
    const owner2 = await signIn(t, api);
    const org2 = await createOrganization(api, owner2);
    const created = [
      await createTeam({}, owner2, org2.id),
      await createTeam({}, owner2, org2.id),
      await createTeam({}, owner2, org2.id),
    ];
    const first = await api.get(`${teamsPath(org2.id)}?limit=2`, as(owner2));
    expect(first.status).toBe(200);
    expect(first.body.meta.pagination).toMatchObject({ limit: 2, has_more: true });
    const second = await api.get(
      `${teamsPath(org2.id)}?limit=2&cursor=${first.body.meta.pagination.next_cursor}`,
      as(owner2),
    );
    expect(second.body.meta.pagination).toEqual({ limit: 2, next_cursor: null, has_more: false });
    expect([...first.body.data, ...second.body.data].map((x: TeamBody) => x.id)).toEqual(
      created.map((x) => x.id),
    );
    const bad = await api.get(`${teamsPath(org2.id)}?cursor=not-a-cursor`, as(owner2));
    expect(bad.status).toBe(422);
  });

  it('reads one team with its ETag; an unknown id answers 404', async () => {
    const team = await createTeam();
    const read = await api.get(`${teamsPath()}/${team.id}`, as(owner));
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.body.data.id).toBe(team.id);
    for (const id of [crypto.randomUUID(), 'not-an-id']) {
      expect((await api.get(`${teamsPath()}/${id}`, as(owner))).status).toBe(404);
    }
  });

  it('renames with If-Match; a stale If-Match answers 412 and changes nothing', async () => {
    const team = await createTeam();
    const name = `Renamed ${uniqueTag()}`;
    const renamed = await api.patch(
      `${teamsPath()}/${team.id}`,
      { name },
      as(owner, { 'if-match': '"1"' }),
    );
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get('etag')).toBe('"2"');
    expect(renamed.body.data).toMatchObject({ name, version: 2 });

    const stale = await api.patch(
      `${teamsPath()}/${team.id}`,
      { name: 'Lost' },
      as(owner, { 'if-match': '"1"' }),
    );
    expect(stale.status).toBe(412);
    expect((await api.get(`${teamsPath()}/${team.id}`, as(owner))).body.data.name).toBe(name);
    expect(
      (await auditEntries(org.id, 'team.updated')).filter((e) => e.targetId === team.id),
    ).toEqual([expect.objectContaining({ changes: { name: { from: team.name, to: name } } })]);
  });

  it('answers 422 to an empty or unknown-field PATCH', async () => {
    const team = await createTeam();
    expect((await api.patch(`${teamsPath()}/${team.id}`, {}, as(owner))).status).toBe(422);
    expect((await api.patch(`${teamsPath()}/${team.id}`, { color: 'red' }, as(owner))).status).toBe(
      422,
    );
  });

  it('deletes a team (204) with its members, records team.deleted; then it is 404', async () => {
    const team = await createTeam();
    const member = await memberWithRole(t, api, org.id, 'member');
    await api.post(`${teamsPath()}/${team.id}/members`, { user_id: member.id }, as(owner));

    const stale = await api.delete(`${teamsPath()}/${team.id}`, as(owner, { 'if-match': '"9"' }));
    expect(stale.status).toBe(412);
    const deleted = await api.delete(`${teamsPath()}/${team.id}`, as(owner, { 'if-match': '"1"' }));
    expect(deleted.status).toBe(204);
    expect((await api.get(`${teamsPath()}/${team.id}`, as(owner))).status).toBe(404);
    expect((await api.get(`${teamsPath()}/${team.id}/members`, as(owner))).status).toBe(404);
    expect(
      (await auditEntries(org.id, 'team.deleted')).filter((e) => e.targetId === team.id),
    ).toEqual([
      expect.objectContaining({
        actorId: owner.id,
        changes: expect.objectContaining({ member_count: 1 }),
      }),
    ]);
  });
});

describe('team members', () => {
  it('adds members of the organization, lists them, and counts them on the team', async () => {
    const team = await createTeam();
    const ada = await memberWithRole(t, api, org.id, 'member');
    const bob = await memberWithRole(t, api, org.id, 'viewer');
    const requestId = `req-${uniqueTag()}`;

    const added = await api.post(
      `${teamsPath()}/${team.id}/members`,
      { user_id: ada.id },
      as(owner, { 'x-request-id': requestId }),
    );
    expect(added.status).toBe(201);
    expect(added.body.data).toEqual({
      team_id: team.id,
      user_id: ada.id,
      email: ada.email,
      name: 'Test User',
      added_at: expect.any(String),
    });
    await api.post(`${teamsPath()}/${team.id}/members`, { user_id: bob.id }, as(owner));

    const listed = await api.get(`${teamsPath()}/${team.id}/members`, as(bob));
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((m: { user_id: string }) => m.user_id)).toEqual([ada.id, bob.id]);
    const read = await api.get(`${teamsPath()}/${team.id}`, as(owner));
    expect(read.body.data.member_count).toBe(2);
    expect(
      (await auditEntries(org.id, 'team.member_added')).filter(
        (e) => e.targetId === team.id && e.requestId === requestId,
      ),
    ).toEqual([expect.objectContaining({ changes: { user_id: ada.id } })]);
  });

  it('answers 422 on user_id for someone outside the organization, or not a UUID', async () => {
    const team = await createTeam();
    const outsider = await signIn(t, api);
    for (const userId of [outsider.id, 'someone']) {
      const reply = await api.post(
        `${teamsPath()}/${team.id}/members`,
        { user_id: userId },
        as(owner),
      );
      expect(reply.status).toBe(422);
      expect(reply.body.error.details[0].field).toBe('user_id');
    }
  });

  it('answers 409 to adding someone already in the team', async () => {
    const team = await createTeam();
    const member = await memberWithRole(t, api, org.id, 'member');
    const path = `${teamsPath()}/${team.id}/members`;
    expect((await api.post(path, { user_id: member.id }, as(owner))).status).toBe(201);
    const again = await api.post(path, { user_id: member.id }, as(owner));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
  });

  it('removes a member (204) and records it; removing someone not in the team answers 404', async () => {
    const team = await createTeam();
    const member = await memberWithRole(t, api, org.id, 'member');
    const path = `${teamsPath()}/${team.id}/members`;
    await api.post(path, { user_id: member.id }, as(owner));

    expect((await api.delete(`${path}/${member.id}`, as(owner))).status).toBe(204);
    expect((await api.get(path, as(owner))).body.data).toEqual([]);
    expect(
      (await auditEntries(org.id, 'team.member_removed')).filter((e) => e.targetId === team.id),
    ).toEqual([expect.objectContaining({ actorId: owner.id, changes: { user_id: member.id } })]);

    const again = await api.delete(`${path}/${member.id}`, as(owner));
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('NOT_FOUND');
    expect((await api.delete(`${path}/not-an-id`, as(owner))).status).toBe(404);
  });
});

describe('tenant isolation and permissions', () => {
  async function aTeamWithMember() {
    const team = await createTeam();
    const member = await memberWithRole(t, api, org.id, 'member');
    await api.post(`${teamsPath()}/${team.id}/members`, { user_id: member.id }, as(owner));
    return { team, member };
  }

  /** Every teams route, aimed at `team` and `userId` under `base`. */
  const everyRoute = (base: string, teamId: string, userId: string, user?: SignedInUser) => {
    const options = user ? as(user) : {};
    return [
      () => api.get(base, options),
      () => api.post(base, { name: `Mine ${uniqueTag()}` }, options),
      () => api.get(`${base}/${teamId}`, options),
      () => api.patch(`${base}/${teamId}`, { name: `Hijacked ${uniqueTag()}` }, options),
      () => api.delete(`${base}/${teamId}`, options),
      () => api.get(`${base}/${teamId}/members`, options),
      () => api.post(`${base}/${teamId}/members`, { user_id: userId }, options),
      () => api.delete(`${base}/${teamId}/members/${userId}`, options),
    ];
  };

  it('answers 404 and no data to a member of another organization on every teams route', async () => {
    const { team, member } = await aTeamWithMember();
    const stranger = await signIn(t, api);
    await createOrganization(api, stranger);
    for (const call of everyRoute(teamsPath(), team.id, member.id, stranger)) {
      const reply = await call();
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('NOT_FOUND');
      expect(JSON.stringify(reply.body)).not.toContain(team.id);
    }
    const read = await api.get(`${teamsPath()}/${team.id}`, as(owner));
    expect(read.body.data).toMatchObject({ name: team.name, member_count: 1, version: 1 });
  });

  it('answers 404 to the owner of organization B using a team id of organization A under B', async () => {
    const { team, member } = await aTeamWithMember();
    const ownerB = await signIn(t, api);
    const orgB = await createOrganization(api, ownerB);
    const base = teamsPath(orgB.id);
    for (const reply of [
      await api.get(`${base}/${team.id}`, as(ownerB)),
      await api.patch(`${base}/${team.id}`, { name: 'Hijacked' }, as(ownerB)),
      await api.delete(`${base}/${team.id}`, as(ownerB)),
      await api.get(`${base}/${team.id}/members`, as(ownerB)),
      await api.delete(`${base}/${team.id}/members/${member.id}`, as(ownerB)),
    ]) {
      expect(reply.status).toBe(404);
      expect(JSON.stringify(reply.body)).not.toContain(member.email);
    }
    // B's own member cannot be slipped into A's team through B's path either.
    const memberB = await memberWithRole(t, api, orgB.id, 'member');
    const slipped = await api.post(
      `${base}/${team.id}/members`,
      { user_id: memberB.id },
      as(ownerB),
    );
    expect(slipped.status).toBe(404);
    const read = await api.get(`${teamsPath()}/${team.id}`, as(owner));
    expect(read.body.data).toMatchObject({ name: team.name, member_count: 1, version: 1 });
  });

  it('lets a viewer read teams and their members but answers 403 to every write', async () => {
    const { team, member } = await aTeamWithMember();
    const viewer = await memberWithRole(t, api, org.id, 'viewer');
    const calls = everyRoute(teamsPath(), team.id, member.id, viewer);
    const reads = [calls[0]!, calls[2]!, calls[5]!];
    const writes = [calls[1]!, calls[3]!, calls[4]!, calls[6]!, calls[7]!];
    for (const call of reads) expect((await call()).status).toBe(200);
    for (const call of writes) {
      const reply = await call();
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('answers 403 to a requester reading teams (no team:read)', async () => {
    const requester = await memberWithRole(t, api, org.id, 'requester');
    expect((await api.get(teamsPath(), as(requester))).status).toBe(403);
  });

  it('answers 401 without a token on every teams route', async () => {
    const { team, member } = await aTeamWithMember();
    for (const call of everyRoute(teamsPath(), team.id, member.id)) {
      const reply = await call();
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets a manager manage teams', async () => {
    const manager = await memberWithRole(t, api, org.id, 'manager');
    const team = await createTeam({}, manager);
    const member = await memberWithRole(t, api, org.id, 'member');
    expect(
      (await api.post(`${teamsPath()}/${team.id}/members`, { user_id: member.id }, as(manager)))
        .status,
    ).toBe(201);
    expect((await api.delete(`${teamsPath()}/${team.id}`, as(manager))).status).toBe(204);
  });
});
