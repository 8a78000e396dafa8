// API keys: hashed secrets bound to a role in one organization, with a global prefix lookup.
import type { Selectable } from 'kysely';
import type { ApiKey, ApiKeyRepository } from '../../application/access/ports.js';
import type { ApiKeysTable, Db } from './database.js';
import { conflictOnUnique } from './errors.js';

type ApiKeyRow = Selectable<ApiKeysTable>;

const KEY_COLUMNS = [
  'organization_id',
  'id',
  'name',
  'prefix',
  'role',
  'created_by',
  'created_at',
  'expires_at',
  'last_used_at',
  'revoked_at',
] as const;

function toApiKey(row: Omit<ApiKeyRow, 'secret_hash'>): ApiKey {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export function postgresApiKeyRepository(db: Db): ApiKeyRepository {
  const keys = (organizationId: string) =>
    db.selectFrom('api_keys').where('organization_id', '=', organizationId);

  return {
    async create(key) {
      // Both rows in the caller's transaction: the prefix is global, the key is the tenant's.
      await conflictOnUnique(
        () =>
          db
            .insertInto('api_key_prefixes')
            .values({ prefix: key.prefix, organization_id: key.organizationId, key_id: key.id })
            .execute(),
        'An API key with this prefix already exists',
      );
      const row = await db
        .insertInto('api_keys')
        .values({
          organization_id: key.organizationId,
          id: key.id,
          name: key.name,
          prefix: key.prefix,
          secret_hash: key.secretHash,
          role: key.role,
          created_by: key.createdBy,
          created_at: key.now,
          expires_at: key.expiresAt,
        })
        .returning(KEY_COLUMNS)
        .executeTakeFirstOrThrow();
      return toApiKey(row);
    },

    async list(organizationId) {
      const rows = await keys(organizationId).select(KEY_COLUMNS).orderBy('id').execute();
      return rows.map(toApiKey);
    },

    async find(organizationId, id) {
      const row = await keys(organizationId)
        .select(KEY_COLUMNS)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toApiKey(row);
    },

    async findWithSecret(organizationId, id) {
      const row = await keys(organizationId)
        .select([...KEY_COLUMNS, 'secret_hash'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row && { key: toApiKey(row), secretHash: row.secret_hash };
    },

    async revoke(organizationId, id, now) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: now })
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async touch(organizationId, id, now) {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: now })
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .execute();
    },

    async locatePrefix(prefix) {
      const row = await db
        .selectFrom('api_key_prefixes')
        .select(['organization_id', 'key_id'])
        .where('prefix', '=', prefix)
        .executeTakeFirst();
      return row && { organizationId: row.organization_id, keyId: row.key_id };
    },

    async countWithRole(organizationId, role) {
      const row = await keys(organizationId)
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('role', '=', role)
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async keyIdsWithRole(organizationId, role) {
      const rows = await keys(organizationId)
        .select('id')
        .where('role', '=', role)
        .where('revoked_at', 'is', null)
        .execute();
      return rows.map((r) => r.id);
    },
  };
}
