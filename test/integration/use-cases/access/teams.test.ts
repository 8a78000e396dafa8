// Teams as an organization sees them: create, list, change, delete, and who is in each team.
import { describe, expect, it } from 'vitest';
import {
  resolveAccess,
  type OrganizationAccess,
} from '../../../../src/application/access/resolve-access.js';
import { addTeamMember } from '../../../../src/application/access/add-team-member.js';
import { createTeam } from '../../../../src/application/access/create-team.js';
import { deleteTeam } from '../../../../src/application/access/delete-team.js';
import { getTeam } from '../../../../src/application/access/get-team.js';
import { listTeamMembers } from '../../../../src/application/access/list-team-members.js';
import { listTeams } from '../../../../src/application/access/list-teams.js';
import { removeTeamMember } from '../../../../src/application/access/remove-team-member.js';
import { updateTeam } from '../../../../src/application/access/update-team.js';
import type { UserPrincipal } from '../../../../src/domain/identity/principal.js';
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
import {
  anOrganization as newOrganization,
  type World,
} from '../../../support/builders/use-cases.js';

const deps = depsOfThisFile();

const anOrganization = (): Promise<World> => newOrganization(deps);

async function aMember(world: World, role = 'member'): Promise<UserPrincipal> {
  const member = await aUser(deps);
  await deps.uow.run(
    (tx) =>
      tx.memberships.add({
        id: deps.ids.next(),
        organizationId: world.organizationId,
        userId: member.userId,
        role,
        now: deps.clock.now(),
      }),
    { organizationId: world.organizationId },
  );
  return member;
}

async function accessWithRole(world: World, role: string): Promise<OrganizationAccess> {
  return resolveAccess(deps, await aMember(world, role), world.organizationId);
}

const aTeam = (world: World, name = `Team ${uniqueTag()}`, by = world.owner) =>
  createTeam(deps, by, { name });

function auditOf(world: World, action: string) {
  return deps.uow.run((tx) => tx.audit.list(world.organizationId, { action }, { limit: 10 }), {
    organizationId: world.organizationId,
  });
}

describe('createTeam', () => {
  it('creates a trimmed team at version 1 with no members, and records team.created', async () => {
    const world = await anOrganization();
    const team = await createTeam(deps, world.owner, {
      name: '  Support ',
      description: ' Front line ',
    });
    expect(team).toMatchObject({
      organizationId: world.organizationId,
      name: 'Support',
      description: 'Front line',
      memberCount: 0,
      version: 1,
    });
    expect(await auditOf(world, 'team.created')).toEqual([
      expect.objectContaining({
        actorId: world.owner.grant.actorId,
        targetType: 'team',
        targetId: team.id,
        changes: { name: 'Support', description: 'Front line' },
      }),
    ]);
  });

  it('answers ConflictError for a name taken in the organization, whatever its case', async () => {
    const world = await anOrganization();
    await aTeam(world, 'Support');
    await expect(aTeam(world, 'SUPPORT')).rejects.toBeInstanceOf(ConflictError);
  });

  it.each([
    ['an empty name', { name: '  ' }, 'name'],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, 'name'],
    [
      'a description over 500 characters',
      { name: 'Ok', description: 'x'.repeat(501) },
      'description',
    ],
  ])('refuses %s with a ValidationError', async (_label, input, field) => {
    const world = await anOrganization();
    await expect(createTeam(deps, world.owner, input)).rejects.toMatchObject({
      details: [{ field }],
    });
  });

  it('lets a manager create a team and refuses a member, who lacks team:manage', async () => {
    const world = await anOrganization();
    await expect(
      aTeam(world, 'Ops', await accessWithRole(world, 'manager')),
    ).resolves.toBeDefined();
    await expect(
      aTeam(world, 'Sales', await accessWithRole(world, 'member')),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('listTeams and getTeam', () => {
  it('pages through the teams with limit and nextCursor', async () => {
    const world = await anOrganization();
    const teams = [await aTeam(world), await aTeam(world), await aTeam(world)];
    const reader = await accessWithRole(world, 'viewer');

    const first = await listTeams(deps, reader, { limit: 2 });
    expect(first.items).toEqual([teams[0], teams[1]]);
    expect(first.nextCursor).toBe(teams[1]!.id);
    const rest = await listTeams(deps, reader, { limit: 2, after: first.nextCursor! });
    expect(rest).toEqual({ items: [teams[2]], nextCursor: null });
  });

  it('reads one team, and answers NotFoundError for another organization’s team', async () => {
    const world = await anOrganization();
    const team = await aTeam(world);
    expect(await getTeam(deps, world.owner, team.id)).toEqual(team);

    const other = await anOrganization();
    await expect(getTeam(deps, other.owner, team.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getTeam(deps, other.owner, 'not-an-id')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a requester, who lacks team:read', async () => {
    const world = await anOrganization();
    await expect(
      listTeams(deps, await accessWithRole(world, 'requester'), { limit: 10 }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('updateTeam and deleteTeam', () => {
  it('renames with a matching version and records what changed', async () => {
    const world = await anOrganization();
    const team = await aTeam(world, 'Support');
    deps.clock.advance(1000);
    const updated = await updateTeam(deps, world.owner, team.id, {
      name: 'Customer care',
      expectedVersion: 1,
    });
    expect(updated).toMatchObject({
      name: 'Customer care',
      version: 2,
      updatedAt: deps.clock.now(),
    });
    const [entry] = await auditOf(world, 'team.updated');
    expect(entry?.changes).toEqual({ name: { from: 'Support', to: 'Customer care' } });
  });

  it('answers PreconditionFailedError for a stale version, and ValidationError for no change', async () => {
    const world = await anOrganization();
    const team = await aTeam(world);
    await updateTeam(deps, world.owner, team.id, { description: 'First' });
    await expect(
      updateTeam(deps, world.owner, team.id, { description: 'Lost', expectedVersion: 1 }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(updateTeam(deps, world.owner, team.id, {})).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect((await getTeam(deps, world.owner, team.id)).description).toBe('First');
  });

  it('answers NotFoundError when another organization’s owner tries to change or delete a team', async () => {
    const world = await anOrganization();
    const team = await aTeam(world);
    const other = await anOrganization();
    await expect(
      updateTeam(deps, other.owner, team.id, { name: 'Hijacked' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteTeam(deps, other.owner, team.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await getTeam(deps, world.owner, team.id)).toEqual(team);
  });

  it('deletes a team with its memberships, records team.deleted, and keeps the people', async () => {
    const world = await anOrganization();
    const team = await aTeam(world);
    const member = await aMember(world);
    await addTeamMember(deps, world.owner, team.id, member.userId);

    await deleteTeam(deps, world.owner, team.id, 1);

    await expect(getTeam(deps, world.owner, team.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await auditOf(world, 'team.deleted')).toEqual([
      expect.objectContaining({ targetId: team.id, changes: { name: team.name, member_count: 1 } }),
    ]);
    await expect(resolveAccess(deps, member, world.organizationId)).resolves.toMatchObject({
      grant: { role: 'member' },
    });
  });

  it('answers PreconditionFailedError to a delete with a stale version, and keeps the team', async () => {
    const world = await anOrganization();
    const team = await aTeam(world);
    await updateTeam(deps, world.owner, team.id, { description: 'Changed' });
    await expect(deleteTeam(deps, world.owner, team.id, 1)).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await expect(getTeam(deps, world.owner, team.id)).resolves.toMatchObject({ version: 2 });
  });
});

describe('team members', () => {
  it('adds members of the organization, lists them, and counts them', async () => {
    const world = await anOrganization();
    const team = await aTeam(world);
    const first = await aMember(world);
    const second = await aMember(world, 'viewer');

    const added = await addTeamMember(deps, world.owner, team.id, first.userId);
    expect(added).toMatchObject({
      teamId: team.id,
      userId: first.userId,
      addedAt: deps.clock.now(),
    });
    deps.clock.advance(1000);
    await addTeamMember(deps, world.owner, team.id, second.userId);

    const members = (await listTeamMembers(deps, world.owner, team.id, { limit: 50 })).items;
    expect(members.map((m) => m.userId)).toEqual([first.userId, second.userId]);
    expect(members[0]).toEqual(added);
    const opening = await listTeamMembers(deps, world.owner, team.id, { limit: 1 });
    expect(opening.items).toEqual([added]);
    expect(opening.nextCursor).toBe(first.userId);
    const rest = await listTeamMembers(deps, world.owner, team.id, {
      limit: 1,
      after: first.userId,
    });
    expect(rest.items.map((m) => m.userId)).toEqual([second.userId]);
    expect(rest.nextCursor).toBeNull();
    expect((await getTeam(deps, world.owner, team.id)).memberCount).toBe(2);
    expect(await auditOf(world, 'team.member_added')).toHaveLength(2);
  });

  it('refuses someone who is not a member of the organization with a ValidationError on user_id', async () => {
    const world = await anOrganization();
    const team = await aTeam(world);
    const outsider = await aUser(deps);
    await expect(addTeamMember(deps, world.owner, team.id, outsider.userId)).rejects.toMatchObject({
      details: [{ field: 'user_id' }],
    });
  });

  it('answers ConflictError to adding someone already in the team', async () => {
    const world = await anOrganization();
    const team = await aTeam(world);
    const member = await aMember(world);
    await addTeamMember(deps, world.owner, team.id, member.userId);
    await expect(addTeamMember(deps, world.owner, team.id, member.userId)).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('answers NotFoundError for the members of a team that does not exist', async () => {
    const world = await anOrganization();
    const member = await aMember(world);
    await expect(
      listTeamMembers(deps, world.owner, deps.ids.next(), { limit: 50 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      addTeamMember(deps, world.owner, deps.ids.next(), member.userId),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('removes a member once and records team.member_removed; a second removal is NotFoundError', async () => {
    const world = await anOrganization();
    const team = await aTeam(world);
    const member = await aMember(world);
    await addTeamMember(deps, world.owner, team.id, member.userId);

    await removeTeamMember(deps, world.owner, team.id, member.userId);

    expect((await listTeamMembers(deps, world.owner, team.id, { limit: 50 })).items).toEqual([]);
    expect(await auditOf(world, 'team.member_removed')).toEqual([
      expect.objectContaining({ targetId: team.id, changes: { user_id: member.userId } }),
    ]);
    await expect(
      removeTeamMember(deps, world.owner, team.id, member.userId),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a member, who lacks team:manage, to add or remove anyone', async () => {
    const world = await anOrganization();
    const team = await aTeam(world);
    const someone = await aMember(world);
    const member = await accessWithRole(world, 'member');
    await expect(addTeamMember(deps, member, team.id, someone.userId)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(removeTeamMember(deps, member, team.id, someone.userId)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});
