// Invitations: an admin invites by email with a role, the emailed single-use token lets exactly
// that person join; re-inviting replaces the token; revoked and expired ones stop working.
import { describe, expect, it } from 'vitest';
import { acceptInvitation } from '../../../../src/application/access/accept-invitation.js';
import { INVITATION_TTL_MS, invite } from '../../../../src/application/access/invite.js';
import { listInvitations } from '../../../../src/application/access/list-invitations.js';
import { revokeInvitation } from '../../../../src/application/access/revoke-invitation.js';
import {
  resolveAccess,
  type OrganizationAccess,
} from '../../../../src/application/access/resolve-access.js';
import { createOrganization } from '../../../../src/application/organizations/create-organization.js';
import type { UserPrincipal } from '../../../../src/domain/identity/principal.js';
import type { Organization } from '../../../../src/domain/organizations/organization.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import { uniqueTag } from '../../../support/env.js';
import { aUser, newEmail, rejectionOf, tokenMailedTo } from '../actors.js';
import { depsOfThisFile, PUBLIC_URL } from '../deps.js';

const deps = depsOfThisFile();

const fromRequest = (principal: UserPrincipal, requestId: string): UserPrincipal => ({
  ...principal,
  request: { requestId },
});

/** A person with an account, signed in as `principal`. */
async function aPerson(email = newEmail()): Promise<{ principal: UserPrincipal; email: string }> {
  const user = await deps.repos.users.create({
    id: deps.ids.next(),
    email,
    name: 'Invitee',
    timezone: 'UTC',
    passwordHash: 'not-a-real-hash',
    now: deps.clock.now(),
  });
  return { principal: { kind: 'user', userId: user.id, sessionId: deps.ids.next() }, email };
}

async function anOrganization(): Promise<{ organization: Organization; owner: UserPrincipal }> {
  const owner = await aUser(deps);
  const { organization } = await createOrganization(deps, owner, {
    name: 'Acme',
    slug: `org-${uniqueTag()}`,
  });
  return { organization, owner };
}

async function aMemberOf(organization: Organization, role: string): Promise<UserPrincipal> {
  const member = await aUser(deps);
  await deps.uow.run(
    (tx) =>
      tx.memberships.add({
        id: deps.ids.next(),
        organizationId: organization.id,
        userId: member.userId,
        role,
        now: deps.clock.now(),
      }),
    { organizationId: organization.id },
  );
  return member;
}

const accessOf = (principal: UserPrincipal, organization: Organization) =>
  resolveAccess(deps, principal, organization.id);

/** The ids of the pending invitations, newest first (one page holds them all here). */
const pendingIds = async (access: OrganizationAccess) =>
  (await listInvitations(deps, access, { limit: 200 })).items.map((i) => i.id);

const roleOf = async (organization: Organization, userId: string) =>
  (
    await deps.uow.run((tx) => tx.memberships.find(organization.id, userId), {
      organizationId: organization.id,
    })
  )?.role;

const auditOf = (organization: Organization) =>
  deps.uow.run((tx) => tx.audit.list(organization.id, {}, { limit: 50 }), {
    organizationId: organization.id,
  });

describe('invite', () => {
  it('stores the invitation for 7 days and emails a link with a token kept only as a hash', async () => {
    const { organization } = await anOrganization();
    const admin = await aMemberOf(organization, 'admin');
    const email = newEmail();

    const invitation = await invite(
      deps,
      await accessOf(fromRequest(admin, 'req-invite'), organization),
      { email: `  ${email.toUpperCase()} `, role: 'member' },
    );

    expect(invitation).toMatchObject({
      organizationId: organization.id,
      email,
      role: 'member',
      invitedBy: admin.userId,
      createdAt: deps.clock.now(),
      expiresAt: new Date(deps.clock.now().getTime() + INVITATION_TTL_MS),
      acceptedAt: null,
      revokedAt: null,
    });
    await deps.runJobs();
    const mail = deps.mailer.sent.at(-1)!;
    expect(mail.to).toBe(email);
    expect(mail.text).toContain(`${PUBLIC_URL}/accept-invitation?token=`);
    const token = await tokenMailedTo(deps, email);
    expect(await deps.repos.invitations.locateToken(token)).toBeUndefined();
    expect(await deps.repos.invitations.locateToken(deps.secrets.hash(token))).toEqual({
      organizationId: organization.id,
      invitationId: invitation.id,
    });
    expect(await auditOf(organization)).toContainEqual(
      expect.objectContaining({
        action: 'invitation.created',
        actorId: admin.userId,
        targetType: 'invitation',
        targetId: invitation.id,
        changes: { email, role: 'member' },
        requestId: 'req-invite',
      }),
    );
  });

  it('answers ConflictError when the email belongs to a member already', async () => {
    const { organization, owner } = await anOrganization();
    const person = await aPerson();
    await deps.uow.run(
      (tx) =>
        tx.memberships.add({
          id: deps.ids.next(),
          organizationId: organization.id,
          userId: person.principal.userId,
          role: 'viewer',
          now: deps.clock.now(),
        }),
      { organizationId: organization.id },
    );
    await expect(
      invite(deps, await accessOf(owner, organization), { email: person.email, role: 'member' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('lets only an owner invite an owner', async () => {
    const { organization, owner } = await anOrganization();
    const admin = await aMemberOf(organization, 'admin');
    await expect(
      invite(deps, await accessOf(admin, organization), { email: newEmail(), role: 'owner' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      invite(deps, await accessOf(owner, organization), { email: newEmail(), role: 'owner' }),
    ).resolves.toMatchObject({ role: 'owner' });
  });

  it('refuses a role with permissions the caller does not hold', async () => {
    const { organization } = await anOrganization();
    const recruiter = await deps.uow.run(
      (tx) =>
        tx.roles.create({
          id: deps.ids.next(),
          organizationId: organization.id,
          name: 'Recruiter',
          description: '',
          permissions: ['organization:read', 'invitation:manage'],
          now: deps.clock.now(),
        }),
      { organizationId: organization.id },
    );
    const caller = await aMemberOf(organization, recruiter.id);
    const access = await accessOf(caller, organization);
    await expect(invite(deps, access, { email: newEmail(), role: 'viewer' })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(
      invite(deps, access, { email: newEmail(), role: recruiter.id }),
    ).resolves.toMatchObject({ role: recruiter.id });
  });

  it('refuses an unknown role with a ValidationError on `role`', async () => {
    const { organization, owner } = await anOrganization();
    const attempt = invite(deps, await accessOf(owner, organization), {
      email: newEmail(),
      role: 'superuser',
    });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ details: [{ field: 'role' }] });
  });

  it('refuses a member without invitation:manage', async () => {
    const { organization } = await anOrganization();
    const manager = await aMemberOf(organization, 'manager');
    await expect(
      invite(deps, await accessOf(manager, organization), { email: newEmail(), role: 'viewer' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('replaces a pending invitation to the same email: the old token stops working', async () => {
    const { organization, owner } = await anOrganization();
    const person = await aPerson();
    const access = await accessOf(owner, organization);
    const first = await invite(deps, access, { email: person.email, role: 'viewer' });
    const oldToken = await tokenMailedTo(deps, person.email);
    const second = await invite(deps, access, { email: person.email, role: 'member' });
    const newToken = await tokenMailedTo(deps, person.email);

    expect(await pendingIds(access)).toEqual([second.id]);
    const refused = await rejectionOf(
      acceptInvitation(deps, person.principal, { token: oldToken }),
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({ details: [{ field: 'token' }] });
    await expect(
      acceptInvitation(deps, person.principal, { token: newToken }),
    ).resolves.toMatchObject({ role: 'member' });
    expect(await auditOf(organization)).toContainEqual(
      expect.objectContaining({
        action: 'invitation.revoked',
        targetId: first.id,
        changes: { email: person.email, replaced_by: second.id },
      }),
    );
  });
});

describe('listInvitations', () => {
  it('lists only pending invitations, newest first', async () => {
    const { organization, owner } = await anOrganization();
    const access = await accessOf(owner, organization);
    const accepted = await aPerson();
    await invite(deps, access, { email: accepted.email, role: 'member' });
    await acceptInvitation(deps, accepted.principal, {
      token: await tokenMailedTo(deps, accepted.email),
    });
    const revoked = await invite(deps, access, { email: newEmail(), role: 'member' });
    await revokeInvitation(deps, access, revoked.id);
    const older = await invite(deps, access, { email: newEmail(), role: 'viewer' });
    deps.clock.advance(1000);
    const newer = await invite(deps, access, { email: newEmail(), role: 'member' });

    expect(await pendingIds(access)).toEqual([newer.id, older.id]);
    deps.clock.advance(INVITATION_TTL_MS);
    expect(await pendingIds(access)).toEqual([]);
  });

  it('refuses a member without invitation:manage', async () => {
    const { organization } = await anOrganization();
    const viewer = await aMemberOf(organization, 'viewer');
    await expect(
      listInvitations(deps, await accessOf(viewer, organization), { limit: 50 }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('revokeInvitation', () => {
  it('revokes a pending invitation, records it, and its token stops working', async () => {
    const { organization, owner } = await anOrganization();
    const person = await aPerson();
    const access = await accessOf(fromRequest(owner, 'req-revoke'), organization);
    const invitation = await invite(deps, access, { email: person.email, role: 'member' });

    await revokeInvitation(deps, access, invitation.id);

    await expect(
      acceptInvitation(deps, person.principal, { token: await tokenMailedTo(deps, person.email) }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await auditOf(organization)).toContainEqual(
      expect.objectContaining({
        action: 'invitation.revoked',
        actorId: owner.userId,
        targetId: invitation.id,
        requestId: 'req-revoke',
      }),
    );
  });

  it('answers NotFoundError for an invitation that is not pending or does not exist', async () => {
    const { organization, owner } = await anOrganization();
    const access = await accessOf(owner, organization);
    const invitation = await invite(deps, access, { email: newEmail(), role: 'member' });
    await revokeInvitation(deps, access, invitation.id);

    await expect(revokeInvitation(deps, access, invitation.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(revokeInvitation(deps, access, deps.ids.next())).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('answers NotFoundError for another organization’s invitation', async () => {
    const theirs = await anOrganization();
    const invitation = await invite(deps, await accessOf(theirs.owner, theirs.organization), {
      email: newEmail(),
      role: 'member',
    });
    const mine = await anOrganization();
    await expect(
      revokeInvitation(deps, await accessOf(mine.owner, mine.organization), invitation.id),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await pendingIds(await accessOf(theirs.owner, theirs.organization))).toEqual([
      invitation.id,
    ]);
  });
});

describe('acceptInvitation', () => {
  it('makes the invitee a member with the invited role, once, recorded with the invitee as actor', async () => {
    const { organization, owner } = await anOrganization();
    const person = await aPerson();
    const invitation = await invite(deps, await accessOf(owner, organization), {
      email: person.email,
      role: 'manager',
    });
    const token = await tokenMailedTo(deps, person.email);

    const accepted = await acceptInvitation(deps, fromRequest(person.principal, 'req-accept'), {
      token,
    });

    expect(accepted).toEqual({ organizationId: organization.id, role: 'manager' });
    expect(await roleOf(organization, person.principal.userId)).toBe('manager');
    expect((await accessOf(person.principal, organization)).grant.role).toBe('manager');
    expect(await pendingIds(await accessOf(owner, organization))).toEqual([]);
    expect(await auditOf(organization)).toContainEqual(
      expect.objectContaining({
        action: 'member.added',
        actorType: 'user',
        actorId: person.principal.userId,
        targetType: 'member',
        targetId: person.principal.userId,
        changes: { role: 'manager', invitation_id: invitation.id },
        requestId: 'req-accept',
      }),
    );
    await expect(acceptInvitation(deps, person.principal, { token })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('refuses someone whose email is not the invited one, without naming the organization', async () => {
    const { organization, owner } = await anOrganization();
    const invited = await aPerson();
    const intruder = await aPerson();
    await invite(deps, await accessOf(owner, organization), {
      email: invited.email,
      role: 'member',
    });
    const token = await tokenMailedTo(deps, invited.email);

    const refused = await rejectionOf(acceptInvitation(deps, intruder.principal, { token }));
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as Error).message).not.toContain(organization.id);
    expect((refused as Error).message).not.toContain(organization.name);
    expect(await roleOf(organization, intruder.principal.userId)).toBeUndefined();
    // The invitation is still there for the right person.
    await expect(acceptInvitation(deps, invited.principal, { token })).resolves.toMatchObject({
      role: 'member',
    });
  });

  it('answers ConflictError to someone who is a member already', async () => {
    const { organization, owner } = await anOrganization();
    const person = await aPerson();
    await invite(deps, await accessOf(owner, organization), {
      email: person.email,
      role: 'admin',
    });
    await deps.uow.run(
      (tx) =>
        tx.memberships.add({
          id: deps.ids.next(),
          organizationId: organization.id,
          userId: person.principal.userId,
          role: 'viewer',
          now: deps.clock.now(),
        }),
      { organizationId: organization.id },
    );
    await expect(
      acceptInvitation(deps, person.principal, { token: await tokenMailedTo(deps, person.email) }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await roleOf(organization, person.principal.userId)).toBe('viewer');
  });

  it('refuses an expired invitation', async () => {
    const { organization, owner } = await anOrganization();
    const person = await aPerson();
    await invite(deps, await accessOf(owner, organization), {
      email: person.email,
      role: 'member',
    });
    deps.clock.advance(INVITATION_TTL_MS);
    const refused = await rejectionOf(
      acceptInvitation(deps, person.principal, { token: await tokenMailedTo(deps, person.email) }),
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({ details: [{ field: 'token' }] });
    expect(await roleOf(organization, person.principal.userId)).toBeUndefined();
  });

  it('refuses a token that was never issued', async () => {
    const person = await aPerson();
    await expect(
      acceptInvitation(deps, person.principal, { token: deps.secrets.generate() }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
