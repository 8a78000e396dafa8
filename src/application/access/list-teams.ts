// Listing an organization's teams.
import { authorize } from '../../domain/access/authorize.js';
import type { Deps } from '../deps.js';
import type { Team } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';
import { pageOf, type Page } from '../shared/page.js';

export async function listTeams(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  page: { readonly limit: number; readonly after?: string | undefined },
): Promise<Page<Team>> {
  authorize(access.grant, 'team:read');
  const rows = await inOrganization(deps, access, (tx) =>
    tx.teams.list(access.organization.id, { limit: page.limit + 1, after: page.after }),
  );
  const { items, next } = pageOf(rows, page.limit, (last) => last.id);
  return { items, nextCursor: next };
}
