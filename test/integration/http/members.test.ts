// Members through HTTP: list, change a role, remove or leave; the last owner stays; every write is
// in the audit log with its actor and request id; strangers learn nothing; a demotion holds at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';

let t: TestApp;
let api: Client;
let stranger: SignedInUser;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  stranger = await signIn(t, api);
});
afterAll(async () => {
  await t.close();
});

const membersPath = (org: TestOrganization, userId?: string, query = '') =>
  `/api/v1/organizations/${org.id}/members${userId === undefined ? '' : `/${userId}`}${query}`;

async function anOrganization(): Promise<{ org: TestOrganization; owner: SignedInUser }> {
  const owner = await signIn(t, api);
  return { org: await createOrganization(api, owner), owner };
}

const auditOf = (org: TestOrganization) =>
  t.app.deps.uow.run((tx) => tx.audit.list(org.id, {}, { limit: 50 }), {
    organizationId: org.id,
  });

/** The audit entry of `action` written by the request that got `reply`. */
async function auditEntryOf(org: TestOrganization, action: string, reply: Reply) {
  const requestId = reply.headers.get('x-request-id');
  expect(requestId).toBeTruthy();
  return (await auditOf(org)).find((e) => e.action === action && e.requestId === requestId);
}

async function roleIn(org: TestOrganization, user: SignedInUser, caller: SignedInUser) {
  const reply = await api.get(membersPath(org, undefined, '?limit=200'), {
    token: caller.accessToken,
  });
  expect(reply.status).toBe(200);
  return (reply.body.data as { user_id: string; role: string }[]).find((m) => m.user_id === user.id)
    ?.role;
}

describe('GET /organizations/:org/members', () => {
  it('lists members with user id, email, name, role and join time, paged by cursor', async () => {
    const { org, owner } = await anOrganization();
    const admin = await memberWithRole(t, api, org.id, 'admin');
    const viewer = await memberWithRole(t, api, org.id, 'viewer');

    const first = await api.get(membersPath(org, undefined, '?limit=2'), {
      token: viewer.accessToken,
    });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.meta.pagination).toMatchObject({ limit: 2, has_more: true });

    const second = await api.get(
      membersPath(org, undefined, `?limit=2&cursor=${first.body.meta.pagination.next_cursor}`),
      { token: viewer.accessToken },
    );
    expect(second.body.data).toHaveLength(1);
    expect(second.body.meta.pagination).toEqual({ limit: 2, next_cursor: null, has_more: false });

    const all = [...first.body.data, ...second.body.data];
    expect(all).toHaveLength(3);
    expect(all).toEqual(
      expect.arrayContaining([
        {
          user_id: owner.id,
          email: owner.email,
          name: 'Test User',
          role: 'owner',
          version: 1,
          joined_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        },
        expect.objectContaining({ user_id: admin.id, email: admin.email, role: 'admin' }),
        expect.objectContaining({ user_id: viewer.id, email: viewer.email, role: 'viewer' }),
      ]),
    );
  });

  it('answers 422 for a cursor that is not one of ours', async () => {
    const { org, owner } = await anOrganization();
    const reply = await api.get(membersPath(org, undefined, '?cursor=bm9wZQ'), {
      token: owner.accessToken,
    });
    expect(reply.status).toBe(422);
    expect(reply.body.error.details).toEqual([{ field: 'cursor', message: 'Invalid cursor' }]);
  });

  it('answers 404 and no data to a member of another organization', async () => {
    const { org } = await anOrganization();
    const reply = await api.get(membersPath(org), { token: stranger.accessToken });
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect(reply.body.data).toBeUndefined();
  });

  it('answers 403 to a requester, who may not read the member list', async () => {
    const { org } = await anOrganization();
    const requester = await memberWithRole(t, api, org.id, 'requester');
    const reply = await api.get(membersPath(org), { token: requester.accessToken });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('FORBIDDEN');
  });

  it('answers 401 without a token', async () => {
    const { org } = await anOrganization();
    const reply = await api.get(membersPath(org));
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('PATCH /organizations/:org/members/:user_id', () => {
  it('lets an owner demote an admin, recorded with actor and request id', async () => {
    const { org, owner } = await anOrganization();
    const admin = await memberWithRole(t, api, org.id, 'admin');

    const reply = await api.patch(
      membersPath(org, admin.id),
      { role: 'viewer' },
      { token: owner.accessToken },
    );

    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({
      user_id: admin.id,
      email: admin.email,
      role: 'viewer',
    });
    expect(await roleIn(org, admin, owner)).toBe('viewer');
    expect(await auditEntryOf(org, 'member.role_changed', reply)).toMatchObject({
      actorType: 'user',
      actorId: owner.id,
      targetType: 'member',
      targetId: admin.id,
      changes: { role: { from: 'admin', to: 'viewer' } },
    });
  });

  it('judges a demoted admin’s very next request by the new role', async () => {
    const { org, owner } = await anOrganization();
    const admin = await memberWithRole(t, api, org.id, 'admin');
    const invitationsPath = `/api/v1/organizations/${org.id}/invitations`;
    const first = await api.post(
      invitationsPath,
      { email: `first-${admin.id}@example.com`, role: 'member' },
      { token: admin.accessToken },
    );
    expect(first.status).toBe(201); // the admin's grant is now cached

    const demoted = await api.patch(
      membersPath(org, admin.id),
      { role: 'viewer' },
      { token: owner.accessToken },
    );
    expect(demoted.status).toBe(200);

    const next = await api.post(
      invitationsPath,
      { email: `next-${admin.id}@example.com`, role: 'member' },
      { token: admin.accessToken },
    );
    expect(next.status).toBe(403);
    expect(next.body.error.code).toBe('FORBIDDEN');
  });

  it('answers 409 when the last owner would be demoted, and lets a second owner step down', async () => {
    const { org, owner } = await anOrganization();
    const reply = await api.patch(
      membersPath(org, owner.id),
      { role: 'admin' },
      { token: owner.accessToken },
    );
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('CONFLICT');

    const second = await memberWithRole(t, api, org.id, 'owner');
    const stepDown = await api.patch(
      membersPath(org, second.id),
      { role: 'admin' },
      { token: second.accessToken },
    );
    expect(stepDown.status).toBe(200);
    expect(await roleIn(org, second, owner)).toBe('admin');
  });

  it.each([
    ['promote a member to owner', 'member', 'owner'],
    ['demote an owner', 'owner', 'viewer'],
  ])('answers 403 to an admin who tries to %s', async (_label, fromRole, toRole) => {
    const { org, owner } = await anOrganization();
    const admin = await memberWithRole(t, api, org.id, 'admin');
    const target = fromRole === 'owner' ? owner : await memberWithRole(t, api, org.id, fromRole);
    const reply = await api.patch(
      membersPath(org, target.id),
      { role: toRole },
      { token: admin.accessToken },
    );
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('FORBIDDEN');
    expect(await roleIn(org, target, owner)).toBe(fromRole);
  });

  it('answers 422 on `role` for a role that does not exist', async () => {
    const { org, owner } = await anOrganization();
    const member = await memberWithRole(t, api, org.id, 'member');
    for (const role of ['superuser', crypto.randomUUID()]) {
      const reply = await api.patch(
        membersPath(org, member.id),
        { role },
        { token: owner.accessToken },
      );
      expect(reply.status).toBe(422);
      expect(reply.body.error).toMatchObject({
        code: 'VALIDATION_ERROR',
        details: [{ field: 'role' }],
      });
    }
  });

  it('answers 404 for someone who is not a member, and 422 for a user id that is not one', async () => {
    const { org, owner } = await anOrganization();
    const notMember = await api.patch(
      membersPath(org, stranger.id),
      { role: 'viewer' },
      { token: owner.accessToken },
    );
    expect(notMember.status).toBe(404);
    expect(notMember.body.error.code).toBe('NOT_FOUND');

    const malformed = await api.patch(
      membersPath(org, 'not-an-id'),
      { role: 'viewer' },
      { token: owner.accessToken },
    );
    expect(malformed.status).toBe(422);
    expect(malformed.body.error.details[0].field).toBe('user_id');
  });

  it('answers 404 to a member of another organization, 403 to a viewer, 401 without a token', async () => {
    const { org, owner } = await anOrganization();
    const viewer = await memberWithRole(t, api, org.id, 'viewer');
    const member = await memberWithRole(t, api, org.id, 'member');
    const path = membersPath(org, member.id);

    const foreign = await api.patch(path, { role: 'admin' }, { token: stranger.accessToken });
    expect(foreign.status).toBe(404);
    expect(foreign.body.data).toBeUndefined();
    const weak = await api.patch(path, { role: 'viewer' }, { token: viewer.accessToken });
    expect(weak.status).toBe(403);
    expect(weak.body.error.code).toBe('FORBIDDEN');
    const anonymous = await api.patch(path, { role: 'viewer' });
    expect(anonymous.status).toBe(401);
    expect(await roleIn(org, member, owner)).toBe('member');
  });
});

describe('DELETE /organizations/:org/members/:user_id', () => {
  it('lets an owner remove a member, who then no longer sees the organization', async () => {
    const { org, owner } = await anOrganization();
    const member = await memberWithRole(t, api, org.id, 'member');
    const before = await api.get(`/api/v1/organizations/${org.id}`, { token: member.accessToken });
    expect(before.status).toBe(200); // the member's grant is now cached

    const reply = await api.delete(membersPath(org, member.id), { token: owner.accessToken });

    expect(reply.status).toBe(204);
    expect(await roleIn(org, member, owner)).toBeUndefined();
    const after = await api.get(`/api/v1/organizations/${org.id}`, { token: member.accessToken });
    expect(after.status).toBe(404);
    expect(await auditEntryOf(org, 'member.removed', reply)).toMatchObject({
      actorId: owner.id,
      targetType: 'member',
      targetId: member.id,
      changes: { role: 'member' },
    });
  });

  it.each(['admin', 'viewer', 'requester'])('lets a %s leave', async (role) => {
    const { org, owner } = await anOrganization();
    const member = await memberWithRole(t, api, org.id, role);
    const reply = await api.delete(membersPath(org, member.id), { token: member.accessToken });
    expect(reply.status).toBe(204);
    expect(await roleIn(org, member, owner)).toBeUndefined();
    expect(await auditEntryOf(org, 'member.removed', reply)).toMatchObject({
      actorId: member.id,
      targetId: member.id,
    });
  });

  it('answers 409 when the last owner would leave', async () => {
    const { org, owner } = await anOrganization();
    const reply = await api.delete(membersPath(org, owner.id), { token: owner.accessToken });
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('CONFLICT');
    expect(await roleIn(org, owner, owner)).toBe('owner');
  });

  it('answers 403 to an admin who tries to remove an owner', async () => {
    const { org, owner } = await anOrganization();
    const admin = await memberWithRole(t, api, org.id, 'admin');
    const reply = await api.delete(membersPath(org, owner.id), { token: admin.accessToken });
    expect(reply.status).toBe(403);
    expect(await roleIn(org, owner, owner)).toBe('owner');
  });

  it('answers 404 to a member of another organization, 403 to a viewer removing someone else, 401 without a token', async () => {
    const { org, owner } = await anOrganization();
    const viewer = await memberWithRole(t, api, org.id, 'viewer');
    const member = await memberWithRole(t, api, org.id, 'member');
    const path = membersPath(org, member.id);

    const foreign = await api.delete(path, { token: stranger.accessToken });
    expect(foreign.status).toBe(404);
    expect(foreign.body.data).toBeUndefined();
    const weak = await api.delete(path, { token: viewer.accessToken });
    expect(weak.status).toBe(403);
    expect(weak.body.error.code).toBe('FORBIDDEN');
    expect((await api.delete(path)).status).toBe(401);
    expect(await roleIn(org, member, owner)).toBe('member');
  });

  it('answers 404 for someone who is not a member', async () => {
    const { org, owner } = await anOrganization();
    const reply = await api.delete(membersPath(org, stranger.id), { token: owner.accessToken });
    expect(reply.status).toBe(404);
  });
});
