// Listing pending invitations.
import { authorize } from '../../domain/access/authorize.js';
import type { Deps } from '../deps.js';
import type { Invitation } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

/** Pending invitations (not accepted, revoked or expired), newest first. */
export async function listInvitations(
  deps: Pick<Deps, 'uow' | 'clock'>,
  access: OrganizationAccess,
): Promise<Invitation[]> {
  authorize(access.grant, 'invitation:manage');
  return inOrganization(deps, access, (tx) =>
    tx.invitations.listPending(access.organization.id, deps.clock.now()),
  );
}
