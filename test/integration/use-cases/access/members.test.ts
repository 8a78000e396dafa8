// Members of an organization: listing them, changing a role, removing someone or leaving — with
// who may do which, the last-owner rule, the audit entry of every write, and no stale grant after.
import { describe, expect, it } from 'vitest';
import { changeMemberRole } from '../../../../src/application/access/change-member-role.js';
import { getMember } from '../../../../src/application/access/get-member.js';
import { listMembers } from '../../../../src/application/access/list-members.js';
import { removeMember } from '../../../../src/application/access/remove-member.js';
import { resolveAccess } from '../../../../src/application/access/resolve-access.js';
import { createOrganization } from '../../../../src/application/organizations/create-organization.js';
import type { Permission } from '../../../../src/domain/access/permissions.js';
import type { UserPrincipal } from '../../../../src/domain/identity/principal.js';
import type { Organization } from '../../../../src/domain/organizations/organization.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import { uniqueTag } from '../../../support/env.js';
import { aUser } from '../actors.js';
import { depsOfThisFile } from '../deps.js';

const deps = depsOfThisFile();

/** A caller as the HTTP edge hands it over: with the request it came in. */
const fromRequest = (principal: UserPrincipal, requestId: string): UserPrincipal => ({
  ...principal,
  request: { requestId, ip: '203.0.113.9', userAgent: 'vitest' },
});

async function anOrganization(): Promise<{ organization: Organization; owner: UserPrincipal }> {
  const owner = await aUser(deps);
  const { organization } = await createOrganization(deps, owner, {
    name: 'Acme',
    slug: `org-${uniqueTag()}`,
  });
  return { organization, owner };
}

/** Someone holding `role` in the organization, added straight through the repository. */
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

async function aCustomRole(organization: Organization, permissions: Permission[]) {
  return deps.uow.run(
    (tx) =>
      tx.roles.create({
        id: deps.ids.next(),
        organizationId: organization.id,
        name: `role-${uniqueTag()}`,
        description: '',
        permissions,
        now: deps.clock.now(),
      }),
    { organizationId: organization.id },
  );
}

const accessOf = (principal: UserPrincipal, organization: Organization) =>
  resolveAccess(deps, principal, organization.id);

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

describe('listMembers', () => {
  it('pages through the members with their email, name, role and join time', async () => {
    const { organization, owner } = await anOrganization();
    const admin = await aMemberOf(organization, 'admin');
    const viewer = await aMemberOf(organization, 'viewer');
    const access = await accessOf(viewer, organization);

    const first = await listMembers(deps, access, { limit: 2 });
    expect(first.items.map((m) => [m.userId, m.role])).toEqual([
      [owner.userId, 'owner'],
      [admin.userId, 'admin'],
    ]);
    expect(first.items[0]).toMatchObject({ name: 'Someone', createdAt: expect.any(Date) });
    expect(first.items[0]!.email).toMatch(/@example\.com$/);
    expect(first.nextCursor).toBe(first.items[1]!.id);

    const second = await listMembers(deps, access, { limit: 2, after: first.nextCursor! });
    expect(second.items.map((m) => m.userId)).toEqual([viewer.userId]);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses a requester, who may not read the member list', async () => {
    const { organization } = await anOrganization();
    const requester = await aMemberOf(organization, 'requester');
    await expect(
      listMembers(deps, await accessOf(requester, organization), { limit: 10 }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('changeMemberRole', () => {
  it('changes the role, records who did it from which request, and returns the member', async () => {
    const { organization, owner } = await anOrganization();
    const admin = await aMemberOf(organization, 'admin');
    const access = await accessOf(fromRequest(owner, 'req-demote'), organization);

    const member = await changeMemberRole(deps, access, { userId: admin.userId, role: 'viewer' });

    expect(member).toMatchObject({ userId: admin.userId, role: 'viewer' });
    expect(await roleOf(organization, admin.userId)).toBe('viewer');
    expect(await auditOf(organization)).toContainEqual(
      expect.objectContaining({
        action: 'member.role_changed',
        actorType: 'user',
        actorId: owner.userId,
        targetType: 'member',
        targetId: admin.userId,
        changes: { role: { from: 'admin', to: 'viewer' } },
        requestId: 'req-demote',
        ip: '203.0.113.9',
      }),
    );
  });

  it('judges the member’s very next request by the new role (the cached grant is forgotten)', async () => {
    const { organization, owner } = await anOrganization();
    const admin = await aMemberOf(organization, 'admin');
    expect((await accessOf(admin, organization)).grant.role).toBe('admin'); // now cached

    await changeMemberRole(deps, await accessOf(owner, organization), {
      userId: admin.userId,
      role: 'viewer',
    });

    const next = await accessOf(admin, organization);
    expect(next.grant.role).toBe('viewer');
    expect(next.grant.permissions.has('member:manage')).toBe(false);
  });

  it('records nothing when the role does not change', async () => {
    const { organization, owner } = await anOrganization();
    const member = await aMemberOf(organization, 'member');
    await changeMemberRole(deps, await accessOf(owner, organization), {
      userId: member.userId,
      role: 'member',
    });
    expect((await auditOf(organization)).map((e) => e.action)).not.toContain('member.role_changed');
  });

  it('bumps the version; at a stale expected version refuses and records nothing, a no-op included', async () => {
    const { organization, owner } = await anOrganization();
    const member = await aMemberOf(organization, 'member');
    const access = await accessOf(owner, organization);
    const change = (role: string, expectedVersion?: number) =>
      changeMemberRole(deps, access, { userId: member.userId, role, expectedVersion });
    expect(await getMember(deps, access, member.userId)).toMatchObject({ version: 1 });
    expect(await change('manager', 1)).toMatchObject({ role: 'manager', version: 2 });
    for (const role of ['viewer', 'manager']) {
      await expect(change(role, 1)).rejects.toBeInstanceOf(PreconditionFailedError);
    }
    // Unchanged, a matching version answers the member as it is.
    expect(await change('manager', 2)).toMatchObject({ role: 'manager', version: 2 });
    expect(await getMember(deps, access, member.userId)).toMatchObject({
      role: 'manager',
      version: 2,
    });
    const changes = (await auditOf(organization)).filter((e) => e.action === 'member.role_changed');
    expect(changes).toHaveLength(1);
  });

  it('reads one member for member:read; NotFoundError for a non-member, ForbiddenError for a requester', async () => {
    const { organization, owner } = await anOrganization();
    const viewer = await aMemberOf(organization, 'viewer');
    const requester = await aMemberOf(organization, 'requester');
    const read = await getMember(deps, await accessOf(viewer, organization), owner.userId);
    expect(read).toMatchObject({ userId: owner.userId, role: 'owner', version: 1 });
    const stranger = (await aUser(deps)).userId;
    await expect(
      getMember(deps, await accessOf(owner, organization), stranger),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      getMember(deps, await accessOf(requester, organization), owner.userId),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('assigns a custom role of the organization by its id', async () => {
    const { organization, owner } = await anOrganization();
    const member = await aMemberOf(organization, 'member');
    const triager = await aCustomRole(organization, ['organization:read', 'task:read:any']);

    const changed = await changeMemberRole(deps, await accessOf(owner, organization), {
      userId: member.userId,
      role: triager.id,
    });
    expect(changed.role).toBe(triager.id);
    expect((await accessOf(member, organization)).grant.permissions).toEqual(
      new Set(['organization:read', 'task:read:any']),
    );
  });

  it('answers a ValidationError on `role` for an unknown role or another organization’s custom role', async () => {
    const { organization, owner } = await anOrganization();
    const member = await aMemberOf(organization, 'member');
    const elsewhere = await aCustomRole((await anOrganization()).organization, [
      'organization:read',
    ]);
    const access = await accessOf(owner, organization);

    for (const role of ['superuser', deps.ids.next(), elsewhere.id]) {
      const attempt = changeMemberRole(deps, access, { userId: member.userId, role });
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({ details: [{ field: 'role' }] });
    }
    expect(await roleOf(organization, member.userId)).toBe('member');
  });

  it('answers NotFoundError for someone who is not a member', async () => {
    const { organization, owner } = await anOrganization();
    const outsider = await aUser(deps);
    await expect(
      changeMemberRole(deps, await accessOf(owner, organization), {
        userId: outsider.userId,
        role: 'viewer',
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a member without member:manage', async () => {
    const { organization } = await anOrganization();
    const manager = await aMemberOf(organization, 'manager');
    const member = await aMemberOf(organization, 'member');
    await expect(
      changeMemberRole(deps, await accessOf(manager, organization), {
        userId: member.userId,
        role: 'viewer',
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('lets only an owner make or unmake owners', async () => {
    const { organization, owner } = await anOrganization();
    const admin = await aMemberOf(organization, 'admin');
    const other = await aMemberOf(organization, 'member');
    const adminAccess = await accessOf(admin, organization);

    await expect(
      changeMemberRole(deps, adminAccess, { userId: other.userId, role: 'owner' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      changeMemberRole(deps, adminAccess, { userId: admin.userId, role: 'owner' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      changeMemberRole(deps, adminAccess, { userId: owner.userId, role: 'viewer' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await roleOf(organization, owner.userId)).toBe('owner');

    await changeMemberRole(deps, await accessOf(owner, organization), {
      userId: other.userId,
      role: 'owner',
    });
    expect(await roleOf(organization, other.userId)).toBe('owner');
  });

  it('refuses to hand out a role with permissions the caller does not hold', async () => {
    const { organization } = await anOrganization();
    const peopleLead = await aCustomRole(organization, [
      'organization:read',
      'member:read',
      'member:manage',
    ]);
    const lead = await aMemberOf(organization, peopleLead.id);
    const member = await aMemberOf(organization, 'requester');
    await expect(
      changeMemberRole(deps, await accessOf(lead, organization), {
        userId: member.userId,
        role: 'viewer', // viewer reads tasks, which the lead may not
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await roleOf(organization, member.userId)).toBe('requester');
  });

  it('refuses to demote the last owner, and lets one of two owners step down', async () => {
    const { organization, owner } = await anOrganization();
    const access = await accessOf(owner, organization);

    await expect(
      changeMemberRole(deps, access, { userId: owner.userId, role: 'admin' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await roleOf(organization, owner.userId)).toBe('owner');

    const second = await aMemberOf(organization, 'owner');
    await changeMemberRole(deps, access, { userId: owner.userId, role: 'admin' });
    expect(await roleOf(organization, owner.userId)).toBe('admin');
    await expect(
      changeMemberRole(deps, await accessOf(second, organization), {
        userId: second.userId,
        role: 'admin',
      }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('removeMember', () => {
  it('removes the member from the organization and its teams, with an audit entry', async () => {
    const { organization, owner } = await anOrganization();
    const member = await aMemberOf(organization, 'member');
    const teamId = deps.ids.next();
    await deps.uow.run(
      async (tx) => {
        await tx.teams.create({
          id: teamId,
          organizationId: organization.id,
          name: `team-${uniqueTag()}`,
          description: '',
          now: deps.clock.now(),
        });
        await tx.teams.addMember({
          id: deps.ids.next(),
          organizationId: organization.id,
          teamId,
          userId: member.userId,
          now: deps.clock.now(),
        });
      },
      { organizationId: organization.id },
    );
    expect((await accessOf(member, organization)).grant.role).toBe('member'); // now cached

    await removeMember(
      deps,
      await accessOf(fromRequest(owner, 'req-remove'), organization),
      member.userId,
    );

    expect(await roleOf(organization, member.userId)).toBeUndefined();
    const teamMembers = await deps.uow.run((tx) => tx.teams.listMembers(organization.id, teamId), {
      organizationId: organization.id,
    });
    expect(teamMembers).toEqual([]);
    await expect(accessOf(member, organization)).rejects.toBeInstanceOf(NotFoundError);
    expect(await auditOf(organization)).toContainEqual(
      expect.objectContaining({
        action: 'member.removed',
        actorId: owner.userId,
        targetType: 'member',
        targetId: member.userId,
        changes: { role: 'member' },
        requestId: 'req-remove',
      }),
    );
  });

  it.each(['admin', 'member', 'viewer', 'requester'])(
    'lets a %s leave the organization',
    async (role) => {
      const { organization } = await anOrganization();
      const member = await aMemberOf(organization, role);
      await removeMember(deps, await accessOf(member, organization), member.userId);
      expect(await roleOf(organization, member.userId)).toBeUndefined();
      expect(await auditOf(organization)).toContainEqual(
        expect.objectContaining({
          action: 'member.removed',
          actorId: member.userId,
          targetId: member.userId,
          changes: { role, left: true },
        }),
      );
    },
  );

  it('refuses to let the last owner leave, and lets one of two owners go', async () => {
    const { organization, owner } = await anOrganization();
    await expect(
      removeMember(deps, await accessOf(owner, organization), owner.userId),
    ).rejects.toBeInstanceOf(ConflictError);

    const second = await aMemberOf(organization, 'owner');
    await removeMember(deps, await accessOf(owner, organization), owner.userId);
    expect(await roleOf(organization, owner.userId)).toBeUndefined();
    await expect(
      removeMember(deps, await accessOf(second, organization), second.userId),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses an admin who tries to remove an owner', async () => {
    const { organization, owner } = await anOrganization();
    const admin = await aMemberOf(organization, 'admin');
    await expect(
      removeMember(deps, await accessOf(admin, organization), owner.userId),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await roleOf(organization, owner.userId)).toBe('owner');
  });

  it('refuses a member without member:manage who tries to remove someone else', async () => {
    const { organization } = await anOrganization();
    const manager = await aMemberOf(organization, 'manager');
    const member = await aMemberOf(organization, 'member');
    await expect(
      removeMember(deps, await accessOf(manager, organization), member.userId),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await roleOf(organization, member.userId)).toBe('member');
  });

  it('answers NotFoundError for someone who is not a member', async () => {
    const { organization, owner } = await anOrganization();
    const outsider = await aUser(deps);
    await expect(
      removeMember(deps, await accessOf(owner, organization), outsider.userId),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
