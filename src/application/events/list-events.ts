// The events feed of an organization: what a service reads to catch up without a socket. Oldest
// first, one page at a time, each event shown only to who may read what it is about.
import { authorize } from '../../domain/access/authorize.js';
import { eventVisibility, type DomainEvent, type EventType } from '../../domain/events/event.js';
import { ValidationError } from '../../domain/shared/errors.js';
import { readInOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { pageOf, type Page } from '../shared/page.js';

export interface EventsQuery {
  /** The id of the last event read (of the previous page, or from a socket). */
  readonly after?: string | undefined;
  readonly types?: readonly EventType[] | undefined;
  readonly limit: number;
}

export async function listEvents(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  query: EventsQuery,
): Promise<Page<DomainEvent>> {
  authorize(access.grant, 'organization:read');
  const organizationId = access.organization.id;
  const visibility = eventVisibility(access.grant);
  const rows = await readInOrganization(deps, access, async (tx) => {
    const after =
      query.after === undefined
        ? undefined
        : await tx.events.positionOf(organizationId, query.after);
    if (query.after !== undefined && after === undefined) {
      throw ValidationError.field(
        'after',
        'No such event in this organization, or it is older than the retention period: ' +
          'read from the start (leave `after` out) and resynchronise',
      );
    }
    return tx.events.list(organizationId, visibility, {
      after,
      types: query.types,
      limit: query.limit + 1,
    });
  });
  const { items, next } = pageOf(rows, query.limit, (last) => last.id);
  return { items, nextCursor: next };
}
