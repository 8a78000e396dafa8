// Users (a global table: people exist before and across organizations). A change bumps the
// version; with an expected version it matches the row only at that version (a miss is a 412).
import type { UserRepository } from '../../application/identity/ports.js';
import type { User } from '../../domain/identity/user.js';
import type { Db, UserRow } from './database.js';
import { notFound } from '../../domain/shared/errors.js';
import { conflictOnUnique, versionMissOrGone } from './errors.js';

const USER_COLUMNS = [
  'id',
  'email',
  'name',
  'timezone',
  'email_verified_at',
  'phone_number',
  'phone_verified_at',
  'version',
  'created_at',
  'updated_at',
] as const;

type UserColumns = Pick<UserRow, (typeof USER_COLUMNS)[number]>;

function toUser(row: UserColumns): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    timezone: row.timezone,
    emailVerifiedAt: row.email_verified_at,
    phoneNumber: row.phone_number,
    phoneVerifiedAt: row.phone_verified_at,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function postgresUserRepository(db: Db): UserRepository {
  const live = () => db.selectFrom('users').where('deleted_at', 'is', null);

  return {
    async create(user) {
      const row = await conflictOnUnique(
        () =>
          db
            .insertInto('users')
            .values({
              id: user.id,
              email: user.email,
              name: user.name,
              timezone: user.timezone,
              password_hash: user.passwordHash,
              created_at: user.now,
              updated_at: user.now,
            })
            .returning(USER_COLUMNS)
            .executeTakeFirstOrThrow(),
        'An account with this email already exists',
      );
      return toUser(row);
    },

    async findById(id) {
      const row = await live().select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },

    async findByEmail(email) {
      const row = await live().select(USER_COLUMNS).where('email', '=', email).executeTakeFirst();
      return row && toUser(row);
    },

    async findCredentials(email) {
      const row = await live()
        .select([...USER_COLUMNS, 'password_hash'])
        .where('email', '=', email)
        .executeTakeFirst();
      return row && { user: toUser(row), passwordHash: row.password_hash };
    },

    async passwordHashOf(userId) {
      const row = await live().select('password_hash').where('id', '=', userId).executeTakeFirst();
      return row?.password_hash;
    },

    async update(id, changes, now, expectedVersion) {
      let query = db
        .updateTable('users')
        .set((eb) => ({
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.timezone !== undefined && { timezone: changes.timezone }),
          ...(changes.passwordHash !== undefined && { password_hash: changes.passwordHash }),
          ...(changes.emailVerifiedAt !== undefined && {
            email_verified_at: changes.emailVerifiedAt,
          }),
          ...(changes.phoneNumber !== undefined && { phone_number: changes.phoneNumber }),
          ...(changes.phoneVerifiedAt !== undefined && {
            phone_verified_at: changes.phoneVerifiedAt,
          }),
          version: eb('version', '+', 1),
          updated_at: now,
        }))
        .where('id', '=', id)
        .where('deleted_at', 'is', null);
      if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
      const row = await query.returning(USER_COLUMNS).executeTakeFirst();
      if (row) return toUser(row);
      await versionMissOrGone(expectedVersion, () =>
        live().select('id').where('id', '=', id).executeTakeFirst(),
      );
      return notFound('user');
    },
  };
}
