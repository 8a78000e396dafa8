// Sessions, refresh tokens and emailed one-time tokens: the credentials behind a login.
import type {
  OneTimeTokenRepository,
  RefreshTokenRepository,
  SessionRepository,
} from '../../application/identity/ports.js';
import type { Session } from '../../domain/identity/session.js';
import type { Db, SessionRow } from './database.js';

const SESSION_COLUMNS = [
  'id',
  'user_id',
  'device_id',
  'user_agent',
  'ip',
  'created_at',
  'last_used_at',
  'expires_at',
  'revoked_at',
] as const;

function toSession(row: Pick<SessionRow, (typeof SESSION_COLUMNS)[number]>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    deviceId: row.device_id,
    userAgent: row.user_agent,
    ip: row.ip,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

export function postgresSessionRepository(db: Db): SessionRepository {
  return {
    async create(session) {
      const row = await db
        .insertInto('sessions')
        .values({
          id: session.id,
          user_id: session.userId,
          device_id: session.deviceId,
          user_agent: session.userAgent,
          ip: session.ip,
          created_at: session.now,
          last_used_at: session.now,
          expires_at: session.expiresAt,
        })
        .returning(SESSION_COLUMNS)
        .executeTakeFirstOrThrow();
      return toSession(row);
    },

    async findById(id) {
      const row = await db
        .selectFrom('sessions')
        .select(SESSION_COLUMNS)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toSession(row);
    },

    async listActive(userId, now, page) {
      let query = db
        .selectFrom('sessions')
        .select(SESSION_COLUMNS)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc');
      if (page !== undefined) query = query.limit(page.limit);
      const after = page?.after;
      if (after !== undefined) {
        // Keyset on (created_at, id), both ascending: rows strictly after the cursor's row.
        query = query.where((eb) =>
          eb(
            eb.refTuple('created_at', 'id'),
            '>',
            eb.tuple(
              eb
                .selectFrom('sessions as cursor')
                .select('cursor.created_at')
                .where('cursor.user_id', '=', userId)
                .where('cursor.id', '=', after),
              after,
            ),
          ),
        );
      }
      return (await query.execute()).map(toSession);
    },

    async touch(id, now, expiresAt) {
      await db
        .updateTable('sessions')
        .set({ last_used_at: now, expires_at: expiresAt })
        .where('id', '=', id)
        .execute();
    },

    async activeAmong(ids, now) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('sessions')
        .select('id')
        .where('id', 'in', ids)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .execute();
      return rows.map((r) => r.id);
    },

    async revoke(userId, ids, now, reason) {
      if (ids.length === 0) return [];
      const rows = await db
        .updateTable('sessions')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('user_id', '=', userId)
        .where('id', 'in', ids)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },

    async revokeAll(userId, now, reason, except) {
      let query = db
        .updateTable('sessions')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (except !== undefined) query = query.where('id', '!=', except);
      const rows = await query.returning('id').execute();
      return rows.map((r) => r.id);
    },
  };
}

export function postgresRefreshTokenRepository(db: Db): RefreshTokenRepository {
  return {
    async create(token) {
      await db
        .insertInto('refresh_tokens')
        .values({
          id: token.id,
          session_id: token.sessionId,
          token_hash: token.tokenHash,
          created_at: token.now,
        })
        .execute();
    },

    async findByHash(tokenHash) {
      const row = await db
        .selectFrom('refresh_tokens')
        .select(['id', 'session_id', 'used_at'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && { id: row.id, sessionId: row.session_id, usedAt: row.used_at };
    },

    async markUsed(id, now) {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },
  };
}

export function postgresOneTimeTokenRepository(db: Db): OneTimeTokenRepository {
  return {
    async create(token) {
      await db
        .insertInto('one_time_tokens')
        .values({
          id: token.id,
          user_id: token.userId,
          purpose: token.purpose,
          token_hash: token.tokenHash,
          created_at: token.now,
          expires_at: token.expiresAt,
        })
        .execute();
    },

    async findByHash(purpose, tokenHash) {
      const row = await db
        .selectFrom('one_time_tokens')
        .select(['id', 'user_id', 'purpose', 'expires_at', 'used_at'])
        .where('purpose', '=', purpose)
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return (
        row && {
          id: row.id,
          userId: row.user_id,
          purpose: row.purpose,
          expiresAt: row.expires_at,
          usedAt: row.used_at,
        }
      );
    },

    async markUsed(id, now) {
      const result = await db
        .updateTable('one_time_tokens')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async invalidateAll(userId, purpose, now) {
      await db
        .updateTable('one_time_tokens')
        .set({ used_at: now })
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .execute();
    },
  };
}
