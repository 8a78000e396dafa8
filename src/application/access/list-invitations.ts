// Listing pending invitations in pages.
import { authorize } from '../../domain/access/authorize.js';
import type { Deps } from '../deps.js';
import { pageOf, type Page } from '../shared/page.js';
import type { Invitation, PageRequest } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

/** A page of the pending invitations (not accepted, revoked or expired), newest first. */
export async function listInvitations(
  deps: Pick<Deps, 'uow' | 'clock'>,
  access: OrganizationAccess,
  page: PageRequest,
): Promise<Page<Invitation>> {
  authorize(access.grant, 'invitation:manage');
  const rows = await inOrganization(deps, access, (tx) =>
    tx.invitations.listPending(access.organization.id, deps.clock.now(), {
      limit: page.limit + 1,
      after: page.after,
    }),
  );
  const { items, next } = pageOf(rows, page.limit, (last) => last.id);
  return { items, nextCursor: next };
}
