// Listing an organization's members.
import { authorize } from '../../domain/access/authorize.js';
import type { Deps } from '../deps.js';
import type { MemberView, PageRequest } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';
import { pageOf, type Page } from '../shared/page.js';

/** Members in a stable order; `after` and `nextCursor` are membership ids. */
export async function listMembers(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  page: PageRequest,
): Promise<Page<MemberView>> {
  authorize(access.grant, 'member:read');
  const rows = await inOrganization(deps, access, (tx) =>
    tx.memberships.list(access.organization.id, { limit: page.limit + 1, after: page.after }),
  );
  const { items, next } = pageOf(rows, page.limit, (last) => last.id);
  return { items, nextCursor: next };
}
