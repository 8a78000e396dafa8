// Memberships: who belongs to an organization, with which role. A role change bumps the version;
// with an expected version it matches the row only at that version (a miss is a 412).
import type { MembershipRepository, MemberView } from '../../application/access/ports.js';
import type { Membership } from '../../domain/access/membership.js';
import type { Db, MembershipRow } from './database.js';
import { conflictOnUnique, versionMissOrGone } from './errors.js';

function toMembership(row: MembershipRow): Membership {
  return {
    id: row.id,
    organizationId: row.organization_id,
    userId: row.user_id,
    role: row.role,
    version: row.version,
    createdAt: row.created_at,
  };
}

export function postgresMembershipRepository(db: Db): MembershipRepository {
  const views = (organizationId: string) =>
    db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .selectAll('memberships')
      .select(['users.email', 'users.name'])
      .where('memberships.organization_id', '=', organizationId);

  const toView = (row: MembershipRow & { email: string; name: string }): MemberView => ({
    ...toMembership(row),
    email: row.email,
    name: row.name,
  });

  return {
    async add(membership) {
      const row = await conflictOnUnique(
        () =>
          db
            .insertInto('memberships')
            .values({
              organization_id: membership.organizationId,
              id: membership.id,
              user_id: membership.userId,
              role: membership.role,
              created_at: membership.now,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        'The user is already a member of this organization',
      );
      return toMembership(row);
    },

    async find(organizationId, userId) {
      const row = await db
        .selectFrom('memberships')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row && toMembership(row);
    },

    async list(organizationId, page) {
      let query = views(organizationId).orderBy('memberships.id').limit(page.limit);
      if (page.after !== undefined) query = query.where('memberships.id', '>', page.after);
      return (await query.execute()).map(toView);
    },

    async findView(organizationId, userId) {
      const row = await views(organizationId)
        .where('memberships.user_id', '=', userId)
        .executeTakeFirst();
      return row && toView(row);
    },

    async updateRole(organizationId, userId, role, expectedVersion) {
      let query = db
        .updateTable('memberships')
        .set((eb) => ({ role, version: eb('version', '+', 1) }))
        .where('organization_id', '=', organizationId)
        .where('user_id', '=', userId);
      if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
      const row = await query.returningAll().executeTakeFirst();
      if (row) return toMembership(row);
      return versionMissOrGone(expectedVersion, () =>
        db
          .selectFrom('memberships')
          .select('id')
          .where('organization_id', '=', organizationId)
          .where('user_id', '=', userId)
          .executeTakeFirst(),
      );
    },

    async remove(organizationId, userId) {
      const result = await db
        .deleteFrom('memberships')
        .where('organization_id', '=', organizationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return result.numDeletedRows === 1n;
    },

    async countWithRole(organizationId, role) {
      const row = await db
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('organization_id', '=', organizationId)
        .where('role', '=', role)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async countOwnersLocked(organizationId) {
      const rows = await db
        .selectFrom('memberships')
        .select('id')
        .where('organization_id', '=', organizationId)
        .where('role', '=', 'owner')
        .forUpdate()
        .execute();
      return rows.length;
    },

    async userIdsWithRole(organizationId, role) {
      const rows = await db
        .selectFrom('memberships')
        .select('user_id')
        .where('organization_id', '=', organizationId)
        .where('role', '=', role)
        .execute();
      return rows.map((r) => r.user_id);
    },
  };
}
