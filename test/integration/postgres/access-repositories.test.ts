// The role and team repositories against this file's own database (PGlite by default, PostgreSQL
// when TEST_DATABASE_URL is set), every tenant call inside its organization's unit of work (RLS).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { CustomRole, Team } from '../../../src/application/access/ports.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import type { Permission } from '../../../src/domain/access/permissions.js';
import type { User } from '../../../src/domain/identity/user.js';
import { ConflictError, PreconditionFailedError } from '../../../src/domain/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../../support/env.js';
import { aUserIn, repositoryBuilders } from '../../support/builders/repositories.js';

const ENGINE = testDatabaseUrl ? 'PostgreSQL' : 'PGlite';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const newId = () => uuidV7Ids.next();

let database: TestDatabase;
let db: Db;
let uow: UnitOfWork;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.handle.db;
  uow = postgresUnitOfWork(db);
});
afterAll(async () => {
  await database.close();
});

/** Runs `work` in a unit of work scoped to the organization, as every tenant call must. */
const { inOrg, anOrganization } = repositoryBuilders(() => uow, NOW);

/** Users are global: no tenant scope needed. */
const aUser = (name?: string): Promise<User> => aUserIn(db, NOW, name);

function aRole(
  organizationId: string,
  fields: { name?: string; permissions?: Permission[] } = {},
): Promise<CustomRole> {
  return inOrg(organizationId, (tx) =>
    tx.roles.create({
      id: newId(),
      organizationId,
      name: fields.name ?? `Role ${uniqueTag()}`,
      description: 'Reads things',
      permissions: fields.permissions ?? ['member:read', 'team:read'],
      now: NOW,
    }),
  );
}

function aTeam(organizationId: string, fields: { name?: string } = {}): Promise<Team> {
  return inOrg(organizationId, (tx) =>
    tx.teams.create({
      id: newId(),
      organizationId,
      name: fields.name ?? `Team ${uniqueTag()}`,
      description: '',
      now: NOW,
    }),
  );
}

function join(organizationId: string, teamId: string, userId: string, addedAt = NOW) {
  return inOrg(organizationId, (tx) =>
    tx.teams.addMember({ id: newId(), organizationId, teamId, userId, now: addedAt }),
  );
}

describe(`role repository on ${ENGINE}`, () => {
  it('creates a role at version 1 and finds it by id, with its permissions in order', async () => {
    const org = await anOrganization();
    const role = await aRole(org, { name: 'Auditor', permissions: ['audit:read', 'member:read'] });
    expect(role).toEqual({
      id: role.id,
      organizationId: org,
      name: 'Auditor',
      description: 'Reads things',
      permissions: ['audit:read', 'member:read'],
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(await inOrg(org, (tx) => tx.roles.find(org, role.id))).toEqual(role);
  });

  it('keeps an empty permission set', async () => {
    const org = await anOrganization();
    const role = await aRole(org, { permissions: [] });
    expect((await inOrg(org, (tx) => tx.roles.find(org, role.id)))?.permissions).toEqual([]);
  });

  it('lists the organization’s roles ordered by id', async () => {
    const org = await anOrganization();
    const first = await aRole(org);
    const second = await aRole(org);
    expect(await inOrg(org, (tx) => tx.roles.list(org))).toEqual([first, second]);
  });

  it('answers undefined for a built-in role name or an unknown id, without a database error', async () => {
    const org = await anOrganization();
    await inOrg(org, async (tx) => {
      expect(await tx.roles.find(org, 'owner')).toBeUndefined();
      expect(await tx.roles.find(org, newId())).toBeUndefined();
      expect(await tx.roles.update(org, 'admin', { name: 'X' }, NOW, 1)).toBeUndefined();
      expect(await tx.roles.delete(org, 'admin')).toBe(false);
    });
  });

  it('answers ConflictError for a name taken in the organization, whatever its case', async () => {
    const org = await anOrganization();
    await aRole(org, { name: 'Auditor' });
    await expect(aRole(org, { name: 'AUDITOR' })).rejects.toBeInstanceOf(ConflictError);
    const other = await aRole(org, { name: 'Reviewer' });
    await expect(
      inOrg(org, (tx) => tx.roles.update(org, other.id, { name: 'auditor' }, at(1000))),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('lets another organization use the same name', async () => {
    await aRole(await anOrganization(), { name: 'Auditor' });
    await expect(aRole(await anOrganization(), { name: 'Auditor' })).resolves.toMatchObject({
      name: 'Auditor',
    });
  });

  it('updates when expectedVersion matches, bumping the version', async () => {
    const org = await anOrganization();
    const role = await aRole(org);
    const updated = await inOrg(org, (tx) =>
      tx.roles.update(
        org,
        role.id,
        { name: 'Renamed', description: 'New', permissions: ['audit:read'] },
        at(1000),
        1,
      ),
    );
    expect(updated).toEqual({
      ...role,
      name: 'Renamed',
      description: 'New',
      permissions: ['audit:read'],
      version: 2,
      updatedAt: at(1000),
    });
  });

  it('answers PreconditionFailedError for a stale expectedVersion and changes nothing', async () => {
    const org = await anOrganization();
    const role = await aRole(org);
    await inOrg(org, (tx) => tx.roles.update(org, role.id, { description: 'First' }, at(1000)));
    await expect(
      inOrg(org, (tx) => tx.roles.update(org, role.id, { description: 'Lost' }, at(2000), 1)),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await inOrg(org, (tx) => tx.roles.find(org, role.id))).toMatchObject({
      description: 'First',
      version: 2,
    });
  });

  it('answers undefined when updating a role that does not exist, with or without a version', async () => {
    const org = await anOrganization();
    await inOrg(org, async (tx) => {
      expect(await tx.roles.update(org, newId(), { name: 'X' }, NOW)).toBeUndefined();
      expect(await tx.roles.update(org, newId(), { name: 'X' }, NOW, 1)).toBeUndefined();
    });
  });

  it('deletes once: true, then false, and the role is gone', async () => {
    const org = await anOrganization();
    const role = await aRole(org);
    expect(await inOrg(org, (tx) => tx.roles.delete(org, role.id))).toBe(true);
    expect(await inOrg(org, (tx) => tx.roles.delete(org, role.id))).toBe(false);
    expect(await inOrg(org, (tx) => tx.roles.find(org, role.id))).toBeUndefined();
  });

  it('shows a role of organization A to nobody inside organization B', async () => {
    const a = await anOrganization();
    const b = await anOrganization();
    const role = await aRole(a);
    await inOrg(b, async (tx) => {
      expect(await tx.roles.find(a, role.id)).toBeUndefined();
      expect(await tx.roles.find(b, role.id)).toBeUndefined();
      expect(await tx.roles.list(a)).toEqual([]);
      expect(await tx.roles.update(a, role.id, { name: 'Hijacked' }, NOW)).toBeUndefined();
      expect(await tx.roles.delete(a, role.id)).toBe(false);
    });
    expect(await inOrg(a, (tx) => tx.roles.find(a, role.id))).toEqual(role);
  });
});

describe(`team repository on ${ENGINE}`, () => {
  it('creates a team at version 1 with no members, and finds it', async () => {
    const org = await anOrganization();
    const team = await aTeam(org, { name: 'Support' });
    expect(team).toEqual({
      id: team.id,
      organizationId: org,
      name: 'Support',
      description: '',
      memberCount: 0,
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(await inOrg(org, (tx) => tx.teams.find(org, team.id))).toEqual(team);
  });

  it('answers ConflictError for a team name taken in the organization, whatever its case', async () => {
    const org = await anOrganization();
    await aTeam(org, { name: 'Support' });
    await expect(aTeam(org, { name: 'support' })).rejects.toBeInstanceOf(ConflictError);
    const other = await aTeam(org, { name: 'Sales' });
    await expect(
      inOrg(org, (tx) => tx.teams.update(org, other.id, { name: 'SUPPORT' }, at(1000))),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(aTeam(await anOrganization(), { name: 'Support' })).resolves.toBeDefined();
  });

  it('counts members on find, list and update', async () => {
    const org = await anOrganization();
    const crowded = await aTeam(org);
    const empty = await aTeam(org);
    await join(org, crowded.id, (await aUser()).id);
    await join(org, crowded.id, (await aUser()).id);

    expect((await inOrg(org, (tx) => tx.teams.find(org, crowded.id)))?.memberCount).toBe(2);
    const listed = await inOrg(org, (tx) => tx.teams.list(org, { limit: 10 }));
    expect(listed.map((t) => [t.id, t.memberCount])).toEqual([
      [crowded.id, 2],
      [empty.id, 0],
    ]);
    const renamed = await inOrg(org, (tx) =>
      tx.teams.update(org, crowded.id, { name: 'Renamed' }, at(1000)),
    );
    expect(renamed).toMatchObject({ name: 'Renamed', memberCount: 2, version: 2 });
  });

  it('pages the list by id after the last one seen', async () => {
    const org = await anOrganization();
    const teams = [await aTeam(org), await aTeam(org), await aTeam(org)];
    const first = await inOrg(org, (tx) => tx.teams.list(org, { limit: 2 }));
    expect(first.map((t) => t.id)).toEqual([teams[0]!.id, teams[1]!.id]);
    const rest = await inOrg(org, (tx) => tx.teams.list(org, { limit: 2, after: teams[1]!.id }));
    expect(rest.map((t) => t.id)).toEqual([teams[2]!.id]);
  });

  it('updates when expectedVersion matches; a stale version throws and a missing team answers undefined', async () => {
    const org = await anOrganization();
    const team = await aTeam(org);
    const updated = await inOrg(org, (tx) =>
      tx.teams.update(org, team.id, { description: 'Front line' }, at(1000), 1),
    );
    expect(updated).toEqual({
      ...team,
      description: 'Front line',
      version: 2,
      updatedAt: at(1000),
    });
    await expect(
      inOrg(org, (tx) => tx.teams.update(org, team.id, { name: 'Lost' }, at(2000), 1)),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await inOrg(org, (tx) => tx.teams.find(org, team.id))).toEqual(updated);
    expect(
      await inOrg(org, (tx) => tx.teams.update(org, newId(), { name: 'X' }, NOW, 1)),
    ).toBeUndefined();
  });

  it('lists members with their name and email in the order they joined, and refuses a second join', async () => {
    const org = await anOrganization();
    const team = await aTeam(org);
    const ada = await aUser('Ada');
    const bob = await aUser('Bob');
    await join(org, team.id, bob.id, at(2000));
    await join(org, team.id, ada.id, at(1000));
    await expect(join(org, team.id, ada.id)).rejects.toBeInstanceOf(ConflictError);

    expect(await inOrg(org, (tx) => tx.teams.listMembers(org, team.id))).toEqual([
      { teamId: team.id, userId: ada.id, email: ada.email, name: 'Ada', addedAt: at(1000) },
      { teamId: team.id, userId: bob.id, email: bob.email, name: 'Bob', addedAt: at(2000) },
    ]);
  });

  it('removes a member once: true, then false', async () => {
    const org = await anOrganization();
    const team = await aTeam(org);
    const user = await aUser();
    await join(org, team.id, user.id);
    expect(await inOrg(org, (tx) => tx.teams.removeMember(org, team.id, user.id))).toBe(true);
    expect(await inOrg(org, (tx) => tx.teams.removeMember(org, team.id, user.id))).toBe(false);
    expect(await inOrg(org, (tx) => tx.teams.listMembers(org, team.id))).toEqual([]);
  });

  it('removes a user from every team of the organization, and only of that organization', async () => {
    const org = await anOrganization();
    const elsewhere = await anOrganization();
    const [one, two, foreign] = [await aTeam(org), await aTeam(org), await aTeam(elsewhere)];
    const leaver = await aUser();
    const stayer = await aUser();
    for (const team of [one, two]) await join(org, team.id, leaver.id);
    await join(org, one.id, stayer.id);
    await join(elsewhere, foreign.id, leaver.id);

    await inOrg(org, (tx) => tx.teams.removeUserEverywhere(org, leaver.id));

    const members = (orgId: string, teamId: string) =>
      inOrg(orgId, async (tx) => (await tx.teams.listMembers(orgId, teamId)).map((m) => m.userId));
    expect(await members(org, one.id)).toEqual([stayer.id]);
    expect(await members(org, two.id)).toEqual([]);
    expect(await members(elsewhere, foreign.id)).toEqual([leaver.id]);
  });

  it('deletes a team with its memberships (cascade)', async () => {
    const org = await anOrganization();
    const team = await aTeam(org);
    await join(org, team.id, (await aUser()).id);
    await join(org, team.id, (await aUser()).id);

    expect(await inOrg(org, (tx) => tx.teams.delete(org, team.id))).toBe(true);
    expect(await inOrg(org, (tx) => tx.teams.delete(org, team.id))).toBe(false);
    expect(await inOrg(org, (tx) => tx.teams.find(org, team.id))).toBeUndefined();
    // Read the table itself, in the organization's scope: no orphaned membership is left.
    const left = await db.transaction().execute(async (trx) => {
      await sql`select set_config('app.organization_id', ${org}, true)`.execute(trx);
      return trx
        .selectFrom('team_members')
        .select('id')
        .where('organization_id', '=', org)
        .where('team_id', '=', team.id)
        .execute();
    });
    expect(left).toEqual([]);
  });

  it('shows a team of organization A to nobody inside organization B', async () => {
    const a = await anOrganization();
    const b = await anOrganization();
    const team = await aTeam(a);
    const user = await aUser();
    await join(a, team.id, user.id);
    await inOrg(b, async (tx) => {
      expect(await tx.teams.find(a, team.id)).toBeUndefined();
      expect(await tx.teams.find(b, team.id)).toBeUndefined();
      expect(await tx.teams.list(a, { limit: 10 })).toEqual([]);
      expect(await tx.teams.listMembers(a, team.id)).toEqual([]);
      expect(await tx.teams.update(a, team.id, { name: 'Hijacked' }, NOW)).toBeUndefined();
      expect(await tx.teams.removeMember(a, team.id, user.id)).toBe(false);
      expect(await tx.teams.delete(a, team.id)).toBe(false);
    });
    expect(await inOrg(a, (tx) => tx.teams.find(a, team.id))).toMatchObject({
      name: team.name,
      memberCount: 1,
    });
  });

  it('refuses to put a member into a team of another organization', async () => {
    const a = await anOrganization();
    const b = await anOrganization();
    const team = await aTeam(a);
    const user = await aUser();
    const add = (organizationId: string) =>
      inOrg(b, (tx) =>
        tx.teams.addMember({
          id: newId(),
          organizationId,
          teamId: team.id,
          userId: user.id,
          now: NOW,
        }),
      );
    // Under B's scope, B has no such team (foreign key) and A's rows fail RLS's WITH CHECK.
    await expect(add(b)).rejects.toThrow();
    await expect(add(a)).rejects.toThrow();
    expect((await inOrg(a, (tx) => tx.teams.find(a, team.id)))?.memberCount).toBe(0);
  });
});
