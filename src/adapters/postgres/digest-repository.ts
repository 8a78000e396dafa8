// The daily digest's reads and its record of digests sent (migration 0023). The organizations
// whose digest is on come from a SECURITY DEFINER function across tenants; everything else runs
// in one organization's scope.
import { sql } from 'kysely';
import type { DigestRepository } from '../../application/digest/ports.js';
import type { Db } from './database.js';
import { lockSalt } from './advisory-lock.js';
import { toDigest } from './stored-digest.js';

interface CountsRow {
  id: string;
  name: string;
  key: string;
  created: number;
  completed: number;
  overdue: number;
  due_tomorrow: number;
}

export function postgresDigestRepository(db: Db): DigestRepository {
  return {
    async enabledOrganizations() {
      const { rows } = await sql<{
        id: string;
        name: string;
        slug: string;
        timezone: string;
        digest: unknown;
      }>`SELECT id, name, slug, timezone, digest FROM digest_organizations()`.execute(db);
      return rows.map((row) => ({ ...row, digest: toDigest(row.digest)! }));
    },

    async tryLock(organizationId) {
      const key = `digest:${organizationId}`;
      const { rows } = await sql<{
        locked: boolean;
      }>`SELECT pg_try_advisory_xact_lock(hashtextextended(${key}, ${lockSalt()})) AS locked`.execute(
        db,
      );
      return rows[0]!.locked;
    },

    async recipients(organizationId, { roles, members }) {
      if (roles.length === 0 && members.length === 0) return [];
      return db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select(['memberships.user_id as userId', 'users.email', 'users.name', 'memberships.role'])
        .where('memberships.organization_id', '=', organizationId)
        .where('users.deleted_at', 'is', null)
        .where((eb) =>
          eb.or([
            ...(roles.length > 0 ? [eb('memberships.role', 'in', roles)] : []),
            ...(members.length > 0 ? [eb('memberships.user_id', 'in', members)] : []),
          ]),
        )
        .orderBy('memberships.user_id')
        .execute();
    },

    async claim(organizationId, localDate, userIds, now) {
      if (userIds.length === 0) return [];
      const rows = await db
        .insertInto('digest_runs')
        .values(
          userIds.map((userId) => ({
            organization_id: organizationId,
            user_id: userId,
            local_date: localDate,
            created_at: now,
          })),
        )
        .onConflict((conflict) => conflict.doNothing())
        .returning('user_id')
        .execute();
      return rows.map((row) => row.user_id);
    },

    async purgeRuns(before, limit) {
      const { rows } = await sql<{ deleted: string }>`
        SELECT digest_runs_purge(${before}, ${limit})::text AS deleted
      `.execute(db);
      return Number(rows[0]?.deleted ?? 0);
    },

    async projectCounts(organizationId, { start, end, tomorrowEnd, now }) {
      const { rows } = await sql<CountsRow>`
        SELECT p.id, p.name, p.key,
          count(*) FILTER (WHERE t.created_at >= ${start} AND t.created_at < ${end})::int AS created,
          count(*) FILTER (WHERE t.completed_at >= ${start} AND t.completed_at < ${end})::int
            AS completed,
          count(*) FILTER (WHERE t.completed_at IS NULL AND t.due_at < ${now})::int AS overdue,
          count(*) FILTER (
            WHERE t.completed_at IS NULL AND t.due_at >= ${end} AND t.due_at < ${tomorrowEnd}
          )::int AS due_tomorrow
        FROM projects p
        JOIN tasks t ON t.organization_id = p.organization_id AND t.project_id = p.id
          AND t.deleted_at IS NULL
        WHERE p.organization_id = ${organizationId} AND p.deleted_at IS NULL
        GROUP BY p.id, p.name, p.key
        ORDER BY p.name, p.id
      `.execute(db);
      return rows
        .map((row) => ({
          projectId: row.id,
          name: row.name,
          key: row.key,
          created: row.created,
          completed: row.completed,
          overdue: row.overdue,
          dueTomorrow: row.due_tomorrow,
        }))
        .filter((p) => p.created + p.completed + p.overdue + p.dueTomorrow > 0);
    },
  };
}
