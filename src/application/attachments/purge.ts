// The worker's chores for attachments: tasks soft-deleted more than DELETED_TASK_RETENTION_DAYS
// ago are purged with what hangs on them (their files' blobs listed for deletion in the same
// transaction), then every blob whose deletion is due is deleted, and its listing with it.
import type { Clock, Logger } from '../shared/ports.js';
import { purgeOlderThan } from '../shared/retention.js';
import type { AttachmentMaintenance, AttachmentSettings } from './ports.js';

export interface PurgeDeps {
  readonly maintenance: AttachmentMaintenance;
  readonly clock: Clock;
}

export function purgeDeletedTasks(
  deps: PurgeDeps,
  retentionDays: number,
  logger?: Logger,
): Promise<number> {
  return purgeOlderThan(
    deps.clock,
    retentionDays,
    (before, limit) => deps.maintenance.purgeDeletedTasks(before, limit),
    { logger, what: 'deleted tasks' },
  );
}

const SLICE = 100;

/**
 * Deletes the due blobs, a slice at a time, until a slice is short; a blob whose deletion fails
 * stays listed (logged) and is tried again next round. Returns how many were deleted.
 */
export async function deleteDueBlobs(
  deps: PurgeDeps & { readonly attachments: Pick<AttachmentSettings, 'blobs'> },
  logger?: Logger,
): Promise<number> {
  let total = 0;
  for (;;) {
    const keys = await deps.maintenance.dueBlobDeletions(deps.clock.now(), SLICE);
    const done: string[] = [];
    for (const key of keys) {
      try {
        await deps.attachments.blobs.delete(key);
        done.push(key);
      } catch (error) {
        logger?.warn({ err: error, key }, 'blob deletion failed; trying again next round');
      }
    }
    if (done.length > 0) await deps.maintenance.blobDeletionsDone(done);
    total += done.length;
    if (keys.length < SLICE || done.length === 0) break;
  }
  if (total > 0) logger?.info({ deleted: total }, 'blobs deleted');
  return total;
}
