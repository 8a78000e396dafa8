// Deleting an organization (softly).
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import { recordAudit } from '../access/audit.js';
import {
  forgetOrganization,
  inOrganization,
  type OrganizationAccess,
} from '../access/resolve-access.js';
import type { Deps } from '../deps.js';

/** Soft-deletes the organization; it then answers 404 to everyone. */
export async function deleteOrganization(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'cache'>,
  access: OrganizationAccess,
  expectedVersion?: number,
): Promise<void> {
  authorize(access.grant, 'organization:delete');
  const id = access.organization.id;
  const deleted = await inOrganization(deps, access, async (tx) => {
    const done = await tx.organizations.softDelete(id, deps.clock.now(), expectedVersion);
    if (done) {
      await recordAudit(deps, tx, access.principal, id, {
        action: 'organization.deleted',
        targetType: 'organization',
        targetId: id,
      });
    }
    return done;
  });
  if (!deleted) notFound('organization');
  await forgetOrganization(deps, id, [access.organization.slug]);
}
