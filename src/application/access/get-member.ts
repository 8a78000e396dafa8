// Reading one member of an organization.
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import type { Deps } from '../deps.js';
import type { MemberView } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

/** The member with this user id, with the membership's version (its ETag); NotFound otherwise. */
export async function getMember(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  userId: string,
): Promise<MemberView> {
  authorize(access.grant, 'member:read');
  if (!isUuid(userId)) notFound('member');
  const member = await inOrganization(deps, access, (tx) =>
    tx.memberships.findView(access.organization.id, userId),
  );
  return member ?? notFound('member');
}
