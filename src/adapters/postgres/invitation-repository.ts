// Invitations by email, with a global token lookup for invitees who are not members yet.
import type { InvitationRepository } from '../../application/access/ports.js';
import type { Db } from './database.js';

export function postgresInvitationRepository(_db: Db): InvitationRepository {
  // Placeholder while the area is built: every call rejects.
  return new Proxy({} as InvitationRepository, {
    get: () => () =>
      Promise.reject(new Error('TODO(access-control): postgresInvitationRepository')),
  });
}
