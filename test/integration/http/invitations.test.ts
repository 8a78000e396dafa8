// Invitations through HTTP: an admin invites a person by email, the person accepts with the
// emailed token and appears as a member with the invited role; re-inviting and revoking end old
// tokens; every write is in the audit log with actor and request id; strangers learn nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerVerified,
  signIn,
  tokenFromMail,
  type SignedInUser,
} from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
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

const invitationsPath = (org: TestOrganization, id?: string) =>
  `/api/v1/organizations/${org.id}/invitations${id === undefined ? '' : `/${id}`}`;
const newEmail = () => `invitee-${uniqueTag()}@example.com`;

async function anOrganization(): Promise<{ org: TestOrganization; owner: SignedInUser }> {
  const owner = await signIn(t, api);
  return { org: await createOrganization(api, owner), owner };
}

async function inviteAs(
  caller: SignedInUser,
  org: TestOrganization,
  email: string,
  role = 'member',
): Promise<Reply> {
  const reply = await api.post(
    invitationsPath(org),
    { email, role },
    { token: caller.accessToken },
  );
  expect(reply.status).toBe(201);
  return reply;
}

const accept = (user: SignedInUser, token: string) =>
  api.post('/api/v1/invitations/accept', { token }, { token: user.accessToken });

/** The audit entry of `action` written by the request that got `reply`. */
async function auditEntryOf(org: TestOrganization, action: string, reply: Reply) {
  const requestId = reply.headers.get('x-request-id');
  expect(requestId).toBeTruthy();
  const entries = await t.app.deps.uow.run((tx) => tx.audit.list(org.id, {}, { limit: 50 }), {
    organizationId: org.id,
  });
  return entries.find((e) => e.action === action && e.requestId === requestId);
}

describe('inviting and accepting', () => {
  it('lets an admin invite a person who accepts and appears as a member with the invited role', async () => {
    const { org } = await anOrganization();
    const admin = await memberWithRole(t, api, org.id, 'admin');
    const person = await signIn(t, api);

    const invited = await api.post(
      invitationsPath(org),
      { email: person.email.toUpperCase(), role: 'manager' },
      { token: admin.accessToken },
    );
    expect(invited.status).toBe(201);
    expect(invited.body.data).toEqual({
      id: expect.any(String),
      email: person.email,
      role: 'manager',
      invited_by: admin.id,
      created_at: expect.any(String),
      expires_at: expect.any(String),
    });
    const { created_at: createdAt, expires_at: expiresAt } = invited.body.data;
    expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(7 * 24 * 60 * 60 * 1000);
    const token = await tokenFromMail(t, person.email);
    expect(JSON.stringify(invited.body)).not.toContain(token);

    const accepted = await accept(person, token);
    expect(accepted.status).toBe(200);
    expect(accepted.body.data).toEqual({ organization_id: org.id, role: 'manager' });

    const members = await api.get(`/api/v1/organizations/${org.id}/members`, {
      token: admin.accessToken,
    });
    expect(members.body.data).toContainEqual(
      expect.objectContaining({ user_id: person.id, email: person.email, role: 'manager' }),
    );
    const asMember = await api.get(`/api/v1/organizations/${org.id}`, {
      token: person.accessToken,
    });
    expect(asMember.status).toBe(200);
    expect(asMember.body.data.role).toBe('manager');

    expect(await auditEntryOf(org, 'invitation.created', invited)).toMatchObject({
      actorType: 'user',
      actorId: admin.id,
      targetType: 'invitation',
      targetId: invited.body.data.id,
      changes: { email: person.email, role: 'manager' },
    });
    expect(await auditEntryOf(org, 'member.added', accepted)).toMatchObject({
      actorType: 'user',
      actorId: person.id,
      targetType: 'member',
      targetId: person.id,
      changes: { role: 'manager', invitation_id: invited.body.data.id },
    });
  });

  it('works for someone who signs up after being invited', async () => {
    const { org, owner } = await anOrganization();
    const email = newEmail();
    await inviteAs(owner, org, email, 'viewer');
    const token = await tokenFromMail(t, email);

    const account = await registerVerified(t, api, { email });
    const login = await api.post('/api/v1/auth/login', {
      email: account.email,
      password: account.password,
    });
    expect(login.status).toBe(200);

    const reply = await api.post(
      '/api/v1/invitations/accept',
      { token },
      { token: login.body.data.access_token },
    );
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ organization_id: org.id, role: 'viewer' });
  });

  it('mails a link of the form PUBLIC_URL/accept-invitation?token=…', async () => {
    const { org, owner } = await anOrganization();
    const email = newEmail();
    await inviteAs(owner, org, email);
    await t.mailSent();
    const mail = [...t.mail].reverse().find((m) => m.to === email)!;
    expect(mail.text).toMatch(/\/accept-invitation\?token=[A-Za-z0-9_-]+/);
  });

  it('answers 403 to a logged-in user whose email is not the invited one, naming no organization', async () => {
    const { org, owner } = await anOrganization();
    const email = newEmail();
    await inviteAs(owner, org, email);
    const reply = await accept(stranger, await tokenFromMail(t, email));
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('FORBIDDEN');
    expect(JSON.stringify(reply.body)).not.toContain(org.id);
    expect(JSON.stringify(reply.body)).not.toContain(org.slug);
  });

  it('answers 422 on `token` for a token that was never issued, and 401 without a login', async () => {
    const unknown = await accept(stranger, 'no-such-token');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: [{ field: 'token' }],
    });
    const anonymous = await api.post('/api/v1/invitations/accept', { token: 'no-such-token' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('accepts a token once', async () => {
    const { org, owner } = await anOrganization();
    const person = await signIn(t, api);
    await inviteAs(owner, org, person.email);
    const token = await tokenFromMail(t, person.email);
    expect((await accept(person, token)).status).toBe(200);
    const again = await accept(person, token);
    expect(again.status).toBe(422);
  });

  it('answers 409 when the email belongs to a member already', async () => {
    const { org, owner } = await anOrganization();
    const member = await memberWithRole(t, api, org.id, 'member');
    const reply = await api.post(
      invitationsPath(org),
      { email: member.email, role: 'admin' },
      { token: owner.accessToken },
    );
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('CONFLICT');
  });

  it('replaces a pending invitation when the same email is invited again', async () => {
    const { org, owner } = await anOrganization();
    const person = await signIn(t, api);
    const first = await inviteAs(owner, org, person.email, 'viewer');
    const oldToken = await tokenFromMail(t, person.email);
    const second = await inviteAs(owner, org, person.email, 'member');
    const newToken = await tokenFromMail(t, person.email);
    expect(newToken).not.toBe(oldToken);

    const pending = await api.get(invitationsPath(org), { token: owner.accessToken });
    expect(pending.body.data.map((i: { id: string }) => i.id)).toEqual([second.body.data.id]);
    expect((await accept(person, oldToken)).status).toBe(422);
    const accepted = await accept(person, newToken);
    expect(accepted.status).toBe(200);
    expect(accepted.body.data.role).toBe('member');
    expect(await auditEntryOf(org, 'invitation.revoked', second)).toMatchObject({
      actorId: owner.id,
      targetId: first.body.data.id,
    });
  });
});

describe('role rules', () => {
  it('answers 403 to an admin inviting an owner, and lets an owner do it', async () => {
    const { org, owner } = await anOrganization();
    const admin = await memberWithRole(t, api, org.id, 'admin');
    const refused = await api.post(
      invitationsPath(org),
      { email: newEmail(), role: 'owner' },
      { token: admin.accessToken },
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    await inviteAs(owner, org, newEmail(), 'owner');
  });

  it('answers 422 for an unknown role or a malformed email', async () => {
    const { org, owner } = await anOrganization();
    const unknownRole = await api.post(
      invitationsPath(org),
      { email: newEmail(), role: 'superuser' },
      { token: owner.accessToken },
    );
    expect(unknownRole.status).toBe(422);
    expect(unknownRole.body.error.details).toEqual([
      { field: 'role', message: expect.any(String) },
    ]);
    const badEmail = await api.post(
      invitationsPath(org),
      { email: 'not-an-email', role: 'member' },
      { token: owner.accessToken },
    );
    expect(badEmail.status).toBe(422);
    expect(badEmail.body.error.details[0].field).toBe('email');
  });
});

describe('listing and revoking', () => {
  it('lists pending invitations, revokes one, and its token then fails', async () => {
    const { org, owner } = await anOrganization();
    const person = await signIn(t, api);
    const invited = await inviteAs(owner, org, person.email);
    const id = invited.body.data.id as string;

    const listed = await api.get(invitationsPath(org), { token: owner.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([invited.body.data]);

    const revoked = await api.delete(invitationsPath(org, id), { token: owner.accessToken });
    expect(revoked.status).toBe(204);
    expect((await api.get(invitationsPath(org), { token: owner.accessToken })).body.data).toEqual(
      [],
    );
    expect((await accept(person, await tokenFromMail(t, person.email))).status).toBe(422);
    expect(await auditEntryOf(org, 'invitation.revoked', revoked)).toMatchObject({
      actorId: owner.id,
      targetType: 'invitation',
      targetId: id,
    });

    const again = await api.delete(invitationsPath(org, id), { token: owner.accessToken });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('NOT_FOUND');
  });

  it('answers 404 when revoking another organization’s invitation', async () => {
    const theirs = await anOrganization();
    const invited = await inviteAs(theirs.owner, theirs.org, newEmail());
    const mine = await anOrganization();
    const reply = await api.delete(invitationsPath(mine.org, invited.body.data.id), {
      token: mine.owner.accessToken,
    });
    expect(reply.status).toBe(404);
  });
});

describe('who may manage invitations', () => {
  const calls = (org: TestOrganization, id: string) =>
    [
      ['POST', () => ({ path: invitationsPath(org), body: { email: newEmail(), role: 'viewer' } })],
      ['GET', () => ({ path: invitationsPath(org), body: undefined })],
      ['DELETE', () => ({ path: invitationsPath(org, id), body: undefined })],
    ] as const;

  async function send(method: string, path: string, body: unknown, token?: string) {
    const options = { token };
    if (method === 'POST') return api.post(path, body, options);
    if (method === 'GET') return api.get(path, options);
    return api.delete(path, options);
  }

  it('answers 404 and no data to a member of another organization, 403 to a viewer, 401 without a token', async () => {
    const { org, owner } = await anOrganization();
    const viewer = await memberWithRole(t, api, org.id, 'viewer');
    const invited = await inviteAs(owner, org, newEmail());
    let tried = 0;
    for (const [method, call] of calls(org, invited.body.data.id)) {
      const { path, body } = call();
      const foreign = await send(method, path, body, stranger.accessToken);
      expect(foreign.status, `${method} ${path} by a stranger`).toBe(404);
      expect(foreign.body.data).toBeUndefined();
      const weak = await send(method, path, body, viewer.accessToken);
      expect(weak.status, `${method} ${path} by a viewer`).toBe(403);
      expect(weak.body.error.code).toBe('FORBIDDEN');
      const anonymous = await send(method, path, body);
      expect(anonymous.status, `${method} ${path} without a token`).toBe(401);
      tried += 3;
    }
    expect(tried).toBe(9);
    const pending = await api.get(invitationsPath(org), { token: owner.accessToken });
    expect(pending.body.data.map((i: { id: string }) => i.id)).toEqual([invited.body.data.id]);
  });
});
