// Teams (departments) and their members. Names are unique per organization, whatever their case;
// a team's member count is counted by the query that reads the team, never stored.
import { sql, type Selectable, type SqlBool } from 'kysely';
import type { Team, TeamMember, TeamRepository } from '../../application/access/ports.js';
import type { Db, TeamsTable } from './database.js';
import { conflictOnUnique, versionMissOrGone } from './errors.js';
import { isUuid } from '../../domain/shared/id.js';

type TeamRow = Selectable<TeamsTable> & { member_count: string | number };

const NAME_TAKEN = 'A team with this name already exists in the organization';
const ALREADY_MEMBER = 'The user is already a member of this team';

/** The member count of the team row in `table` (the teams table, or the CTE of an update). */
const memberCount = (table: 'teams' | 'changed') =>
  sql<string>`(
    select count(*) from team_members
    where team_members.organization_id = ${sql.ref(`${table}.organization_id`)}
      and team_members.team_id = ${sql.ref(`${table}.id`)}
  )`.as('member_count');

function toTeam(row: TeamRow): Team {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    description: row.description,
    memberCount: Number(row.member_count),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function postgresTeamRepository(db: Db): TeamRepository {
  const teams = (organizationId: string) =>
    db
      .selectFrom('teams')
      .selectAll('teams')
      .select(memberCount('teams'))
      .where('teams.organization_id', '=', organizationId);

  const missOrGone = (organizationId: string, id: string, expectedVersion: number | undefined) =>
    versionMissOrGone(expectedVersion, () =>
      teams(organizationId).where('teams.id', '=', id).executeTakeFirst(),
    );

  return {
    async list(organizationId, page) {
      let query = teams(organizationId).orderBy('teams.id').limit(page.limit);
      if (page.after !== undefined) query = query.where('teams.id', '>', page.after);
      return (await query.execute()).map(toTeam);
    },

    async find(organizationId, id) {
      if (!isUuid(id)) return undefined;
      const row = await teams(organizationId).where('teams.id', '=', id).executeTakeFirst();
      return row && toTeam(row);
    },

    async create(team) {
      const row = await conflictOnUnique(
        () =>
          db
            .insertInto('teams')
            .values({
              organization_id: team.organizationId,
              id: team.id,
              name: team.name,
              description: team.description,
              created_at: team.now,
              updated_at: team.now,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        NAME_TAKEN,
      );
      return toTeam({ ...row, member_count: 0 });
    },

    async update(organizationId, id, changes, now, expectedVersion) {
      if (!isUuid(id)) return undefined;
      const write = () =>
        db
          .with('changed', (qb) => {
            let query = qb
              .updateTable('teams')
              .set((eb) => ({
                ...(changes.name !== undefined && { name: changes.name }),
                ...(changes.description !== undefined && { description: changes.description }),
                version: eb('version', '+', 1),
                updated_at: now,
              }))
              .where('organization_id', '=', organizationId)
              .where('id', '=', id);
            if (expectedVersion !== undefined) {
              query = query.where('version', '=', expectedVersion);
            }
            return query.returningAll();
          })
          .selectFrom('changed')
          .selectAll('changed')
          .select(memberCount('changed'))
          .executeTakeFirst();
      const row = await conflictOnUnique(write, NAME_TAKEN);
      return row ? toTeam(row) : missOrGone(organizationId, id, expectedVersion);
    },

    async delete(organizationId, id) {
      if (!isUuid(id)) return false;
      // team_members go with it (ON DELETE CASCADE).
      const result = await db
        .deleteFrom('teams')
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows === 1n;
    },

    async listMembers(organizationId, teamId, page) {
      if (!isUuid(teamId)) return [];
      let query = db
        .selectFrom('team_members')
        .innerJoin('users', 'users.id', 'team_members.user_id')
        .select([
          'team_members.team_id',
          'team_members.user_id',
          'team_members.created_at',
          'users.email',
          'users.name',
        ])
        .where('team_members.organization_id', '=', organizationId)
        .where('team_members.team_id', '=', teamId)
        .orderBy('team_members.created_at')
        .orderBy('team_members.id');
      if (page !== undefined) query = query.limit(page.limit);
      if (page?.after !== undefined) {
        // Keyset on (created_at, id): rows strictly after the cursor member's row.
        query = query.where(
          sql<SqlBool>`(team_members.created_at, team_members.id) > (
            select c.created_at, c.id from team_members as c
            where c.organization_id = ${organizationId} and c.team_id = ${teamId}
              and c.user_id = ${page.after}
          )`,
        );
      }
      const rows = await query.execute();
      return rows.map((row): TeamMember => ({
        teamId: row.team_id,
        userId: row.user_id,
        email: row.email,
        name: row.name,
        addedAt: row.created_at,
      }));
    },

    async addMember(member) {
      await conflictOnUnique(
        () =>
          db
            .insertInto('team_members')
            .values({
              organization_id: member.organizationId,
              id: member.id,
              team_id: member.teamId,
              user_id: member.userId,
              created_at: member.now,
            })
            .execute(),
        ALREADY_MEMBER,
      );
    },

    async removeMember(organizationId, teamId, userId) {
      if (!isUuid(teamId) || !isUuid(userId)) return false;
      const result = await db
        .deleteFrom('team_members')
        .where('organization_id', '=', organizationId)
        .where('team_id', '=', teamId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return result.numDeletedRows === 1n;
    },

    async removeUserEverywhere(organizationId, userId) {
      await db
        .deleteFrom('team_members')
        .where('organization_id', '=', organizationId)
        .where('user_id', '=', userId)
        .execute();
    },
  };
}
