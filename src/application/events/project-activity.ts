// A project's activity log: its events, newest first, each with who did it and a one-line summary.
import { authorize } from '../../domain/access/authorize.js';
import type { ActivityEntry } from '../../domain/events/activity.js';
import { eventVisibility } from '../../domain/events/event.js';
import { readInOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProjectRef } from '../projects/live-project.js';
import { pageOf, type Page } from '../shared/page.js';

export interface ActivityQuery {
  /** The id of the last entry of the previous page. */
  readonly before?: string | undefined;
  readonly limit: number;
}

export async function projectActivity(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  projectRef: string,
  query: ActivityQuery,
): Promise<Page<ActivityEntry>> {
  authorize(access.grant, 'project:read');
  const organizationId = access.organization.id;
  const rows = await readInOrganization(deps, access, async (tx) => {
    const project = await liveProjectRef(tx, organizationId, projectRef);
    return tx.events.activity(organizationId, project.id, eventVisibility(access.grant), {
      before: query.before,
      limit: query.limit + 1,
    });
  });
  const { items, next } = pageOf(rows, query.limit, (last) => last.event.id);
  return { items, nextCursor: next };
}
