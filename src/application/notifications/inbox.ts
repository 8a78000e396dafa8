// The caller's notifications, across organizations: a page, the unread count, marking read or
// unread. Read under the user's own scope: row-level security shows them their rows only, and
// another user's notification is not found (404), like one that does not exist.
import type { UserPrincipal } from '../../domain/identity/principal.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { pageOf } from '../shared/page.js';
import type { InboxFilter, Notification } from './ports.js';

const scopeOf = (actor: UserPrincipal) => ({ userId: actor.userId });

export interface InboxPage {
  readonly items: Notification[];
  /** The id the next page starts before; null on the last page. */
  readonly next: string | null;
}

export async function listNotifications(
  deps: Pick<Deps, 'uow'>,
  actor: UserPrincipal,
  filter: InboxFilter,
  page: { readonly limit: number; readonly before?: string | undefined },
): Promise<InboxPage> {
  const rows = await deps.uow.read(
    (tx) =>
      tx.notifications.list(actor.userId, filter, { limit: page.limit + 1, before: page.before }),
    scopeOf(actor),
  );
  return pageOf(rows, page.limit, (last) => last.id);
}

export function unreadNotifications(
  deps: Pick<Deps, 'uow'>,
  actor: UserPrincipal,
  organizationId?: string,
): Promise<number> {
  return deps.uow.read(
    (tx) => tx.notifications.unreadCount(actor.userId, organizationId),
    scopeOf(actor),
  );
}

/** Marks the caller's notification read (`read: true`) or unread again. */
export async function markNotification(
  deps: Pick<Deps, 'uow' | 'clock'>,
  actor: UserPrincipal,
  id: string,
  read: boolean,
): Promise<Notification> {
  const marked = await deps.uow.run(
    (tx) => tx.notifications.mark(actor.userId, id, read ? deps.clock.now() : null),
    scopeOf(actor),
  );
  return marked ?? notFound('notification');
}

/** Marks every unread notification of the caller's read (of one organization when given). */
export function markAllNotificationsRead(
  deps: Pick<Deps, 'uow' | 'clock'>,
  actor: UserPrincipal,
  organizationId?: string,
): Promise<number> {
  return deps.uow.run(
    (tx) => tx.notifications.markAllRead(actor.userId, deps.clock.now(), organizationId),
    scopeOf(actor),
  );
}
