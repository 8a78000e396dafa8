// Removing a file: the row, its bytes counted back, a history row and the event go in one
// transaction, with the blob listed for deletion; the blob is deleted after the commit (at once in
// the background, else by the worker, which drains the list).
import type { Attachment } from '../../domain/attachments/attachment.js';
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import { aboutTask, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import { recordHistory } from '../tasks/history.js';
import { attachableTask, type AttachmentDeps } from './attachment-access.js';

export async function removeAttachment(
  deps: AttachmentDeps,
  access: OrganizationAccess,
  taskRef: string,
  id: string,
): Promise<Attachment> {
  authorize(access.grant, 'task:update');
  const organizationId = access.organization.id;
  const removed = await inOrganization(deps, access, async (tx) => {
    const { task } = await attachableTask(deps, tx, access, taskRef);
    const row =
      (await tx.attachments.delete(organizationId, task.id, id)) ?? notFound('attachment');
    await tx.attachments.release(organizationId, row.sizeBytes);
    await tx.attachments.scheduleBlobDeletion(organizationId, row.storageKey, deps.clock.now());
    const changes = {
      attachment_id: row.id,
      file_name: row.fileName,
      content_type: row.contentType,
      size_bytes: row.sizeBytes,
      comment_id: row.commentId,
    };
    await recordHistory(deps, tx, access, task, 'attachment_removed', changes);
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'attachment.removed',
      targetType: 'task',
      targetId: task.id,
      about: aboutTask(task),
      changes,
    });
    return row;
  });
  deps.background.run('delete a removed attachment’s blob', async () => {
    await deps.attachments.blobs.delete(removed.storageKey);
    await inOrganization(deps, access, (tx) =>
      tx.attachments.cancelBlobDeletion(organizationId, removed.storageKey),
    );
  });
  return removed;
}
