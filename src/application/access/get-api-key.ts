// Reading one API key.
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { ApiKey } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

export async function getApiKey(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  id: string,
): Promise<ApiKey> {
  authorize(access.grant, 'apikey:manage');
  const key = await inOrganization(deps, access, (tx) =>
    tx.apiKeys.find(access.organization.id, id),
  );
  return key ?? notFound('api key');
}
