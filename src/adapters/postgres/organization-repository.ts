// Organizations (the tenants themselves) and memberships (the first tenant-owned table).
import { sql } from 'kysely';
import type {
  OrganizationChanges,
  OrganizationRepository,
} from '../../application/organizations/ports.js';
import type { Organization } from '../../domain/organizations/organization.js';
import {
  DEFAULT_EXEMPT_PRIORITIES,
  type Weekday,
  type WriteWindow,
} from '../../domain/tasks/write-window.js';
import type { Db, OrganizationRow } from './database.js';
import { conflictOnUnique, versionMissOrGone } from './errors.js';
import { isUuid } from '../../domain/shared/id.js';
import { storedDigest, toDigest } from './stored-digest.js';

const ORGANIZATION_COLUMNS = [
  'organizations.id',
  'organizations.name',
  'organizations.slug',
  'organizations.timezone',
  sql<unknown>`organizations.settings -> 'write_window'`.as('write_window'),
  sql<unknown>`organizations.settings -> 'digest'`.as('digest'),
  'organizations.version',
  'organizations.created_at',
  'organizations.updated_at',
  'organizations.deleted_at',
] as const;

type OrganizationColumns = Omit<OrganizationRow, 'settings'> & {
  write_window: unknown;
  digest: unknown;
};

/** How `settings.write_window` is stored: the API's snake_case shape. */
interface StoredWriteWindow {
  start: string;
  end: string;
  days: Weekday[];
  roles: string[];
  exempt_priorities?: string[];
}

function toWriteWindow(stored: unknown): WriteWindow | null {
  if (stored === null || typeof stored !== 'object') return null;
  const window = stored as StoredWriteWindow;
  return {
    start: window.start,
    end: window.end,
    days: window.days,
    roles: window.roles,
    exemptPriorities: window.exempt_priorities ?? DEFAULT_EXEMPT_PRIORITIES,
  };
}

function storedWriteWindow(window: WriteWindow): StoredWriteWindow {
  return {
    start: window.start,
    end: window.end,
    days: [...window.days],
    roles: [...window.roles],
    exempt_priorities: [...(window.exemptPriorities ?? DEFAULT_EXEMPT_PRIORITIES)],
  };
}

/** `settings` with the changed entries set (or removed when null), the others kept. */
function settingsWith(changes: OrganizationChanges) {
  let settings = sql`settings`;
  if (changes.writeWindow !== undefined) {
    settings = changes.writeWindow
      ? sql`jsonb_set(${settings}, '{write_window}', ${JSON.stringify(storedWriteWindow(changes.writeWindow))}::jsonb)`
      : sql`(${settings} - 'write_window')`;
  }
  if (changes.digest !== undefined) {
    settings = changes.digest
      ? sql`jsonb_set(${settings}, '{digest}', ${storedDigest(changes.digest)}::jsonb)`
      : sql`(${settings} - 'digest')`;
  }
  return settings;
}

const SLUG_TAKEN = 'An organization with this slug already exists';

function toOrganization(row: OrganizationColumns): Organization {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    timezone: row.timezone,
    writeWindow: toWriteWindow(row.write_window),
    digest: toDigest(row.digest),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

export function postgresOrganizationRepository(db: Db): OrganizationRepository {
  const live = () => db.selectFrom('organizations').where('organizations.deleted_at', 'is', null);

  const missOrGone = (id: string, expectedVersion: number | undefined) =>
    versionMissOrGone(expectedVersion, () =>
      live().select('id').where('id', '=', id).executeTakeFirst(),
    );

  return {
    async create(organization) {
      const row = await conflictOnUnique(
        () =>
          db
            .insertInto('organizations')
            .values({
              id: organization.id,
              name: organization.name,
              slug: organization.slug,
              timezone: organization.timezone,
              created_at: organization.now,
              updated_at: organization.now,
            })
            .returning(ORGANIZATION_COLUMNS)
            .executeTakeFirstOrThrow(),
        SLUG_TAKEN,
      );
      return toOrganization(row);
    },

    async find(idOrSlug) {
      const row = await live()
        .select(ORGANIZATION_COLUMNS)
        .where(isUuid(idOrSlug) ? 'id' : 'slug', '=', idOrSlug)
        .executeTakeFirst();
      return row && toOrganization(row);
    },

    /**
     * Runs in a unit of work scoped to `userId` (TenantScope.userId): the memberships come from
     * `app_user_memberships()`, which returns only the current user's, across organizations.
     */
    async listForUser(_userId, page) {
      let query = live()
        .innerJoin(
          sql<{ organization_id: string; role: string }>`app_user_memberships()`.as('mine'),
          (join) => join.onRef('mine.organization_id', '=', 'organizations.id'),
        )
        .select([...ORGANIZATION_COLUMNS, 'mine.role'])
        .orderBy('organizations.id')
        .limit(page.limit);
      if (page.after !== undefined) query = query.where('organizations.id', '>', page.after);
      const rows = await query.execute();
      return rows.map((row) => ({ organization: toOrganization(row), role: row.role }));
    },

    async update(id, changes, now, expectedVersion) {
      const write = () => {
        let query = db
          .updateTable('organizations')
          .set((eb) => ({
            ...(changes.name !== undefined && { name: changes.name }),
            ...(changes.slug !== undefined && { slug: changes.slug }),
            ...(changes.timezone !== undefined && { timezone: changes.timezone }),
            ...((changes.writeWindow !== undefined || changes.digest !== undefined) && {
              settings: settingsWith(changes),
            }),
            version: eb('version', '+', 1),
            updated_at: now,
          }))
          .where('id', '=', id)
          .where('deleted_at', 'is', null);
        if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
        return query.returning(ORGANIZATION_COLUMNS).executeTakeFirst();
      };
      const row = await conflictOnUnique(write, SLUG_TAKEN);
      return row ? toOrganization(row) : missOrGone(id, expectedVersion);
    },

    async softDelete(id, now, expectedVersion) {
      let query = db
        .updateTable('organizations')
        .set((eb) => ({ deleted_at: now, updated_at: now, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('deleted_at', 'is', null);
      if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
      const result = await query.executeTakeFirst();
      if (result.numUpdatedRows === 1n) return true;
      await missOrGone(id, expectedVersion);
      return false;
    },
  };
}
