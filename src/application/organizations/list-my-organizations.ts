// Listing the organizations of the caller.
import type { Principal } from '../../domain/identity/principal.js';
import type { Deps } from '../deps.js';
import type { OrganizationWithRole } from './ports.js';
import { pageOf, type Page } from '../shared/page.js';

/** A user's organizations; an API key's own organization. */
export async function listMyOrganizations(
  deps: Pick<Deps, 'uow'>,
  actor: Principal,
  page: { readonly limit: number; readonly after?: string | undefined },
): Promise<Page<OrganizationWithRole>> {
  const rows = await deps.uow.run(
    async (tx) => {
      if (actor.kind === 'user') {
        return tx.organizations.listForUser(actor.userId, {
          limit: page.limit + 1,
          ...(page.after !== undefined && { after: page.after }),
        });
      }
      const own = await tx.organizations.find(actor.organizationId);
      return own && (page.after === undefined || own.id > page.after)
        ? [{ organization: own, role: actor.role }]
        : [];
    },
    actor.kind === 'user' ? { userId: actor.userId } : { organizationId: actor.organizationId },
  );
  const { items, next } = pageOf(rows, page.limit, (last) => last.organization.id);
  return { items, nextCursor: next };
}
