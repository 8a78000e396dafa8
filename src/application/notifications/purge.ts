// Retention: notifications whose last change is older than the retention period are deleted, in
// slices so that a long backlog never holds one huge transaction.
import type { Clock, Logger } from '../shared/ports.js';
import type { UnitOfWork } from '../shared/unit-of-work.js';

export async function purgeExpiredNotifications(
  deps: { readonly uow: UnitOfWork; readonly clock: Clock },
  retentionDays: number,
  logger?: Logger,
): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - retentionDays * 86_400_000);
  const slice = 10_000;
  let total = 0;
  for (;;) {
    const deleted = await deps.uow.run((tx) => tx.notifications.purge(before, slice));
    total += deleted;
    if (deleted < slice) break;
  }
  if (total > 0) logger?.info({ deleted: total, before }, 'expired notifications purged');
  return total;
}
