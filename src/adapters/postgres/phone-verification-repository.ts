// The code waiting for each user's phone number (global, like users: one row a user). Attempts
// are counted under the row's lock, so concurrent guesses are counted one after another.
import type { PhoneVerificationRepository } from '../../application/identity/ports.js';
import type { PhoneVerification } from '../../domain/identity/phone-verification.js';
import type { Db, PhoneVerificationsTable } from './database.js';
import type { Selectable } from 'kysely';

function toVerification(row: Selectable<PhoneVerificationsTable>): PhoneVerification {
  return {
    id: row.id,
    userId: row.user_id,
    phoneNumber: row.phone_number,
    codeHash: row.code_hash,
    attempts: row.attempts,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export function postgresPhoneVerificationRepository(db: Db): PhoneVerificationRepository {
  return {
    async replace(code) {
      const row = {
        id: code.id,
        phone_number: code.phoneNumber,
        code_hash: code.codeHash,
        attempts: 0,
        created_at: code.createdAt,
        expires_at: code.expiresAt,
      };
      await db
        .insertInto('phone_verifications')
        .values({ user_id: code.userId, ...row })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
        .execute();
    },

    async findForUpdate(userId) {
      const row = await db
        .selectFrom('phone_verifications')
        .selectAll()
        .where('user_id', '=', userId)
        .forUpdate()
        .executeTakeFirst();
      return row && toVerification(row);
    },

    async countAttempt(id) {
      await db
        .updateTable('phone_verifications')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .execute();
    },

    async consume(id) {
      const row = await db
        .deleteFrom('phone_verifications')
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async discard(userId) {
      await db.deleteFrom('phone_verifications').where('user_id', '=', userId).execute();
    },
  };
}
