// Custom roles: named permission sets of one organization. Names are unique per organization,
// whatever their case (the unique index is on lower(name)).
import type { Selectable } from 'kysely';
import type { CustomRole, RoleRepository } from '../../application/access/ports.js';
import type { Permission } from '../../domain/access/permissions.js';
import { advisoryXactLock } from './advisory-lock.js';
import type { Db, RolesTable } from './database.js';
import { conflictOnUnique, versionMissOrGone } from './errors.js';
import { isUuid } from '../../domain/shared/id.js';
import { defer } from './wire/index.js';

type RoleRow = Selectable<RolesTable>;

const NAME_TAKEN = 'A role with this name already exists in the organization';

function toRole(row: RoleRow): CustomRole {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    description: row.description,
    // Written only through this repository, from validated permissions.
    permissions: row.permissions as Permission[],
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function postgresRoleRepository(db: Db): RoleRepository {
  const inOrganization = (organizationId: string) =>
    db.selectFrom('roles').selectAll().where('organization_id', '=', organizationId);

  const missOrGone = (organizationId: string, id: string, expectedVersion: number | undefined) =>
    versionMissOrGone(expectedVersion, () =>
      inOrganization(organizationId).where('id', '=', id).executeTakeFirst(),
    );

  return {
    async list(organizationId) {
      const rows = await inOrganization(organizationId).orderBy('id').execute();
      return rows.map(toRole);
    },

    async countLocked(organizationId) {
      // Its own statement ahead of the count, so the count's snapshot is taken after the wait.
      await defer(db, db.selectNoFrom(advisoryXactLock(`${organizationId}:roles`).as('locked')));
      const row = await db
        .selectFrom('roles')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('organization_id', '=', organizationId)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async find(organizationId, id) {
      if (!isUuid(id)) return undefined;
      const row = await inOrganization(organizationId).where('id', '=', id).executeTakeFirst();
      return row && toRole(row);
    },

    async create(role) {
      const row = await conflictOnUnique(
        () =>
          db
            .insertInto('roles')
            .values({
              organization_id: role.organizationId,
              id: role.id,
              name: role.name,
              description: role.description,
              permissions: [...role.permissions],
              created_at: role.now,
              updated_at: role.now,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        NAME_TAKEN,
      );
      return toRole(row);
    },

    async update(organizationId, id, changes, now, expectedVersion) {
      if (!isUuid(id)) return undefined;
      const write = () => {
        let query = db
          .updateTable('roles')
          .set((eb) => ({
            ...(changes.name !== undefined && { name: changes.name }),
            ...(changes.description !== undefined && { description: changes.description }),
            ...(changes.permissions !== undefined && { permissions: [...changes.permissions] }),
            version: eb('version', '+', 1),
            updated_at: now,
          }))
          .where('organization_id', '=', organizationId)
          .where('id', '=', id);
        if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
        return query.returningAll().executeTakeFirst();
      };
      const row = await conflictOnUnique(write, NAME_TAKEN);
      return row ? toRole(row) : missOrGone(organizationId, id, expectedVersion);
    },

    async delete(organizationId, id) {
      if (!isUuid(id)) return false;
      const result = await db
        .deleteFrom('roles')
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows === 1n;
    },
  };
}
