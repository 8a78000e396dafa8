// Revoking an API key.
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { forgetAfterCommit } from '../shared/cached.js';
import { apiKeyAuthCacheKey } from './api-key-auth.js';
import { recordAudit } from './audit.js';
import { forgetGrants, inOrganization, type OrganizationAccess } from './resolve-access.js';

/** Revokes the key; it stops working on the very next request (its cached lookups are dropped). */
export async function revokeApiKey(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'cache'>,
  access: OrganizationAccess,
  id: string,
): Promise<void> {
  authorize(access.grant, 'apikey:manage');
  const organizationId = access.organization.id;
  const secretHash = await inOrganization(deps, access, async (tx) => {
    const found = await tx.apiKeys.findWithSecret(organizationId, id);
    if (!found || !(await tx.apiKeys.revoke(organizationId, id, deps.clock.now()))) {
      notFound('api key');
    }
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'apikey.revoked',
      targetType: 'api_key',
      targetId: id,
      changes: { name: found.key.name, prefix: found.key.prefix },
    });
    return found.secretHash;
  });
  await forgetAfterCommit(deps, apiKeyAuthCacheKey(secretHash));
  await forgetGrants(deps, organizationId, [id]);
}
