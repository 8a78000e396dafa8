// Invitations by email, with a global token lookup for invitees who are not members yet.
import type { Selectable } from 'kysely';
import type { Invitation, InvitationRepository } from '../../application/access/ports.js';
import type { Db, InvitationsTable } from './database.js';
import { conflictOnUnique } from './errors.js';
import { isUuid } from '../../domain/shared/id.js';

type InvitationRow = Selectable<InvitationsTable>;

function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    role: row.role,
    invitedBy: row.invited_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
    revokedAt: row.revoked_at,
  };
}

export function postgresInvitationRepository(db: Db): InvitationRepository {
  /** Not accepted and not revoked: what the unique index on (organization, email) covers. */
  const open = (organizationId: string) =>
    db
      .updateTable('invitations')
      .where('organization_id', '=', organizationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null);

  return {
    async create(invitation) {
      const row = await conflictOnUnique(
        () =>
          db
            .insertInto('invitations')
            .values({
              organization_id: invitation.organizationId,
              id: invitation.id,
              email: invitation.email,
              role: invitation.role,
              token_hash: invitation.tokenHash,
              invited_by: invitation.invitedBy,
              created_at: invitation.now,
              expires_at: invitation.expiresAt,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        'An invitation for this email is already pending',
      );
      // The global lookup row, written in the same transaction as the invitation.
      await db
        .insertInto('invitation_tokens')
        .values({
          token_hash: invitation.tokenHash,
          organization_id: invitation.organizationId,
          invitation_id: invitation.id,
        })
        .execute();
      return toInvitation(row);
    },

    async find(organizationId, id) {
      if (!isUuid(id)) return undefined;
      const row = await db
        .selectFrom('invitations')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toInvitation(row);
    },

    async listPending(organizationId, now, page) {
      let query = db
        .selectFrom('invitations')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit);
      const after = page.after;
      if (after !== undefined) {
        // Keyset on (created_at, id), both descending: rows strictly after the cursor's row.
        query = query.where((eb) =>
          eb(
            eb.refTuple('created_at', 'id'),
            '<',
            eb.tuple(
              eb
                .selectFrom('invitations as cursor')
                .select('cursor.created_at')
                .where('cursor.organization_id', '=', organizationId)
                .where('cursor.id', '=', after),
              after,
            ),
          ),
        );
      }
      return (await query.execute()).map(toInvitation);
    },

    async revokePendingFor(organizationId, email, now) {
      // Expired ones too: they still hold the (organization, email) slot of the unique index.
      const rows = await open(organizationId)
        .set({ revoked_at: now })
        .where('email', '=', email)
        .returningAll()
        .execute();
      return rows.map(toInvitation);
    },

    async revoke(organizationId, id, now) {
      if (!isUuid(id)) return false;
      const result = await open(organizationId)
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async markAccepted(organizationId, id, userId, now) {
      const result = await open(organizationId)
        .set({ accepted_at: now, accepted_by: userId })
        .where('id', '=', id)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async locateToken(tokenHash) {
      const row = await db
        .selectFrom('invitation_tokens')
        .select(['organization_id', 'invitation_id'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && { organizationId: row.organization_id, invitationId: row.invitation_id };
    },
  };
}
