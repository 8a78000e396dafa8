// Use cases of teams: groups of an organization's members (departments), used by assignment rules.
import { authorize } from '../../domain/access/authorize.js';
import { notFound, PreconditionFailedError, ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { Page } from '../organizations/organizations.js';
import { changesBetween, recordAudit } from './audit.js';
import type { Team, TeamMember } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';
import { pageOf } from '../shared/page.js';

export const TEAM_NAME_MAX_LENGTH = 100;
export const TEAM_DESCRIPTION_MAX_LENGTH = 500;

export async function listTeams(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  page: { readonly limit: number; readonly after?: string | undefined },
): Promise<Page<Team>> {
  authorize(access.grant, 'team:read');
  const rows = await inOrganization(deps, access, (tx) =>
    tx.teams.list(access.organization.id, { limit: page.limit + 1, after: page.after }),
  );
  const { items, next } = pageOf(rows, page.limit, (last) => last.id);
  return { items, nextCursor: next };
}

export async function getTeam(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  id: string,
): Promise<Team> {
  authorize(access.grant, 'team:read');
  const team = await inOrganization(deps, access, (tx) =>
    tx.teams.find(access.organization.id, id),
  );
  return team ?? notFound('team');
}

export interface CreateTeamInput {
  readonly name: string;
  readonly description?: string | undefined;
}

export async function createTeam(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  input: CreateTeamInput,
): Promise<Team> {
  authorize(access.grant, 'team:manage');
  const name = validName(input.name);
  const description = validDescription(input.description ?? '');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const team = await tx.teams.create({
      id: deps.ids.next(),
      organizationId,
      name,
      description,
      now: deps.clock.now(),
    });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'team.created',
      targetType: 'team',
      targetId: team.id,
      changes: { name, description },
    });
    return team;
  });
}

export interface UpdateTeamInput {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly expectedVersion?: number | undefined;
}

export async function updateTeam(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  id: string,
  input: UpdateTeamInput,
): Promise<Team> {
  authorize(access.grant, 'team:manage');
  const changes = {
    ...(input.name !== undefined && { name: validName(input.name) }),
    ...(input.description !== undefined && { description: validDescription(input.description) }),
  };
  if (Object.keys(changes).length === 0) throw ValidationError.field('body', 'Nothing to change');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const before = (await tx.teams.find(organizationId, id)) ?? notFound('team');
    const after =
      (await tx.teams.update(
        organizationId,
        id,
        changes,
        deps.clock.now(),
        input.expectedVersion,
      )) ?? notFound('team');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'team.updated',
      targetType: 'team',
      targetId: id,
      changes: changesBetween(before, after, ['name', 'description']),
    });
    return after;
  });
}

/** Deletes the team and its memberships (the people stay in the organization). */
export async function deleteTeam(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  id: string,
  expectedVersion?: number,
): Promise<void> {
  authorize(access.grant, 'team:manage');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const team = (await tx.teams.find(organizationId, id)) ?? notFound('team');
    if (expectedVersion !== undefined && team.version !== expectedVersion) {
      throw new PreconditionFailedError();
    }
    if (!(await tx.teams.delete(organizationId, id))) notFound('team');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'team.deleted',
      targetType: 'team',
      targetId: id,
      changes: { name: team.name, member_count: team.memberCount },
    });
  });
}

export async function listTeamMembers(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  teamId: string,
): Promise<TeamMember[]> {
  authorize(access.grant, 'team:read');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    if (!(await tx.teams.find(organizationId, teamId))) notFound('team');
    return tx.teams.listMembers(organizationId, teamId);
  });
}

/** Adds a member of the organization to the team; ConflictError when already in it. */
export async function addTeamMember(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  teamId: string,
  userId: string,
): Promise<TeamMember> {
  authorize(access.grant, 'team:manage');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    if (!(await tx.teams.find(organizationId, teamId))) notFound('team');
    const member = await tx.memberships.findView(organizationId, userId);
    if (!member) {
      throw ValidationError.field('user_id', 'Not a member of this organization');
    }
    const now = deps.clock.now();
    await tx.teams.addMember({ id: deps.ids.next(), organizationId, teamId, userId, now });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'team.member_added',
      targetType: 'team',
      targetId: teamId,
      changes: { user_id: userId },
    });
    return { teamId, userId, email: member.email, name: member.name, addedAt: now };
  });
}

export async function removeTeamMember(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  teamId: string,
  userId: string,
): Promise<void> {
  authorize(access.grant, 'team:manage');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    if (!(await tx.teams.removeMember(organizationId, teamId, userId))) notFound('team member');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'team.member_removed',
      targetType: 'team',
      targetId: teamId,
      changes: { user_id: userId },
    });
  });
}

function validName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0) throw ValidationError.field('name', 'Must not be empty');
  if (name.length > TEAM_NAME_MAX_LENGTH) {
    throw ValidationError.field('name', `Must be at most ${TEAM_NAME_MAX_LENGTH} characters`);
  }
  return name;
}

function validDescription(raw: string): string {
  const description = raw.trim();
  if (description.length > TEAM_DESCRIPTION_MAX_LENGTH) {
    throw ValidationError.field(
      'description',
      `Must be at most ${TEAM_DESCRIPTION_MAX_LENGTH} characters`,
    );
  }
  return description;
}
