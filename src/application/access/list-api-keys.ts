// Listing an organization's API keys.
import { authorize } from '../../domain/access/authorize.js';
import type { Deps } from '../deps.js';
import type { ApiKey, PageRequest } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

/** Every key of the organization, revoked ones included, oldest first. */
export async function listApiKeys(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  page: PageRequest,
): Promise<{ items: ApiKey[]; nextCursor: string | null }> {
  authorize(access.grant, 'apikey:manage');
  const all = await inOrganization(deps, access, (tx) => tx.apiKeys.list(access.organization.id));
  const after = page.after;
  const rest = after === undefined ? all : all.filter((key) => key.id > after);
  const items = rest.slice(0, page.limit);
  const last = items.at(-1);
  return { items, nextCursor: rest.length > page.limit && last ? last.id : null };
}
