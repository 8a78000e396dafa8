// Retention purges (events, notifications, webhook deliveries): what is older than the period is
// deleted in slices, so that a long backlog never holds one huge transaction.
import type { Clock, Logger } from './ports.js';

const SLICE = 10_000;

/**
 * Calls `purgeSlice(before, limit)` until a slice deletes fewer than the limit, with `before` the
 * clock's now less `retentionDays`; logs the total as `what` purged, and returns it.
 */
export async function purgeOlderThan(
  clock: Clock,
  retentionDays: number,
  purgeSlice: (before: Date, limit: number) => Promise<number>,
  report?: { readonly logger?: Logger | undefined; readonly what: string },
): Promise<number> {
  const before = new Date(clock.now().getTime() - retentionDays * 86_400_000);
  let total = 0;
  for (;;) {
    const deleted = await purgeSlice(before, SLICE);
    total += deleted;
    if (deleted < SLICE) break;
  }
  if (total > 0) report?.logger?.info({ deleted: total, before }, `${report.what} purged`);
  return total;
}
