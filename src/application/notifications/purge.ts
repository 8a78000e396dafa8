// Retention: notifications whose last change is older than the retention period are deleted, in
// slices (shared/retention.ts).
import type { Clock, Logger } from '../shared/ports.js';
import { purgeOlderThan } from '../shared/retention.js';
import type { UnitOfWork } from '../shared/unit-of-work.js';

export function purgeExpiredNotifications(
  deps: { readonly uow: UnitOfWork; readonly clock: Clock },
  retentionDays: number,
  logger?: Logger,
): Promise<number> {
  return purgeOlderThan(
    deps.clock,
    retentionDays,
    (before, limit) => deps.uow.run((tx) => tx.notifications.purge(before, limit)),
    { logger, what: 'expired notifications' },
  );
}
