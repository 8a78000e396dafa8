// Adding a file to a task or to one of its comments. The bytes are stored first (counted against
// ATTACHMENT_MAX_BYTES as they stream, hashed by the store), then sniffed and scanned, then the
// row is written with the quota's counter in one transaction. An intent to delete the blob is
// recorded before the first byte and cancelled with the row: a crash anywhere leaves no orphan.
import { authorize } from '../../domain/access/authorize.js';
import { fileName, storageKeyOf, type Attachment } from '../../domain/attachments/attachment.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { PayloadTooLargeError, QuotaExceededError } from '../../domain/shared/errors.js';
import { aboutTask, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import { recordHistory } from '../tasks/history.js';
import { attachableTask, type AttachmentDeps } from './attachment-access.js';
import type { ByteStream } from './ports.js';

export interface Upload {
  /** The name the client gave (sanitised here); the storage key never derives from it. */
  readonly fileName: string | undefined;
  readonly content: ByteStream;
  readonly commentId?: string | undefined;
}

const DEFAULT_TYPE = 'application/octet-stream';

const quotaExceeded = (quotaBytes: number) =>
  new QuotaExceededError(
    `The organization's attachments would pass its quota of ${quotaBytes} bytes (ATTACHMENT_ORG_QUOTA_BYTES)`,
  );

export async function uploadAttachment(
  deps: AttachmentDeps,
  access: OrganizationAccess,
  taskRef: string,
  upload: Upload,
): Promise<Attachment> {
  authorize(access.grant, 'task:update');
  const settings = deps.attachments;
  const organizationId = access.organization.id;
  const name = fileName(upload.fileName);
  const id = deps.ids.next();
  const key = storageKeyOf(organizationId, id);
  const taskId = await inOrganization(deps, access, async (tx) => {
    const { task } = await attachableTask(deps, tx, access, taskRef, upload.commentId);
    const used = await tx.attachments.usage(organizationId);
    if (used >= settings.quotaBytes) throw quotaExceeded(settings.quotaBytes);
    const later = new Date(deps.clock.now().getTime() + settings.uploadGraceMs);
    await tx.attachments.scheduleBlobDeletion(organizationId, key, later);
    return task.id;
  });
  try {
    const head = new Head(settings.sniffer.headBytes);
    const stored = await settings.blobs.put(key, limited(upload.content, settings.maxBytes, head));
    const contentType = (await settings.sniffer.sniff(head.bytes())) ?? DEFAULT_TYPE;
    const described = { fileName: name, contentType, ...stored };
    const status = await settings.scanner.scan(
      { organizationId, taskId, attachmentId: id, storageKey: key, ...described },
      () => settings.blobs.get(key),
    );
    return await inOrganization(deps, access, async (tx) => {
      const { task } = await attachableTask(deps, tx, access, taskRef, upload.commentId);
      if (!(await tx.attachments.reserve(organizationId, stored.sizeBytes, settings.quotaBytes))) {
        throw quotaExceeded(settings.quotaBytes);
      }
      const attachment = await tx.attachments.create({
        ...{ id, organizationId, taskId: task.id, commentId: upload.commentId ?? null },
        ...{ ...described, storageKey: key, status, uploadedBy: actorIdOf(access.principal) },
        now: deps.clock.now(),
      });
      await tx.attachments.cancelBlobDeletion(organizationId, key);
      const changes = {
        attachment_id: id,
        file_name: name,
        content_type: contentType,
        size_bytes: stored.sizeBytes,
        comment_id: attachment.commentId,
        status,
      };
      await recordHistory(deps, tx, access, task, 'attachment_added', changes);
      await recordAudit(deps, tx, access.principal, organizationId, {
        action: 'attachment.added',
        targetType: 'task',
        targetId: task.id,
        about: aboutTask(task),
        changes,
      });
      return attachment;
    });
  } catch (error) {
    discardBlob(deps, access, key);
    throw error;
  }
}

/**
 * Deletes the blob of an upload that failed, in the background (the answer does not wait); its
 * intent stays until the blob is gone, so the worker finishes what this could not.
 */
function discardBlob(deps: AttachmentDeps, access: OrganizationAccess, key: string): void {
  deps.background.run('discard an upload’s blob', async () => {
    await deps.attachments.blobs.delete(key);
    await inOrganization(deps, access, (tx) =>
      tx.attachments.cancelBlobDeletion(access.organization.id, key),
    );
  });
}

/** The source, refused past `maxBytes` (413); its first bytes kept in `head` for sniffing. */
async function* limited(source: ByteStream, maxBytes: number, head: Head): ByteStream {
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new PayloadTooLargeError(
        `The file is over the limit of ${maxBytes} bytes (ATTACHMENT_MAX_BYTES)`,
      );
    }
    head.take(chunk);
    yield chunk;
  }
}

/** The first `limit` bytes of a stream. */
class Head {
  private readonly parts: Uint8Array[] = [];
  private length = 0;
  constructor(private readonly limit: number) {}

  take(chunk: Uint8Array): void {
    if (this.length >= this.limit) return;
    const part = chunk.subarray(0, this.limit - this.length);
    this.parts.push(part.slice());
    this.length += part.byteLength;
  }

  bytes(): Uint8Array {
    const all = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      all.set(part, at);
      at += part.byteLength;
    }
    return all;
  }
}
