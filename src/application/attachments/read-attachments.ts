// Reading attachments: whoever reads the task lists them, reads one, and downloads its bytes
// (a quarantined file's bytes are never served: 409).
import type { Attachment } from '../../domain/attachments/attachment.js';
import { ConflictError, notFound } from '../../domain/shared/errors.js';
import { readInOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { pageOf } from '../shared/page.js';
import { visibleTask } from '../tasks/visibility.js';
import { commentOf } from './attachment-access.js';
import type { AttachmentCursor, ByteStream } from './ports.js';

type ReadDeps = Pick<Deps, 'uow'>;

export interface AttachmentPage {
  readonly items: Attachment[];
  readonly next: AttachmentCursor | null;
}

/** The task's attachments, or one comment's, oldest first. */
export async function listAttachments(
  deps: ReadDeps,
  access: OrganizationAccess,
  taskRef: string,
  query: {
    readonly commentId?: string | undefined;
    readonly limit: number;
    readonly after?: AttachmentCursor | undefined;
  },
): Promise<AttachmentPage> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, taskRef);
    await commentOf(tx, access, task, query.commentId);
    const rows = await tx.attachments.list(access.organization.id, task.id, {
      ...query,
      limit: query.limit + 1,
    });
    return pageOf(rows, query.limit, (last) => ({ createdAt: last.createdAt, id: last.id }));
  });
}

export async function getAttachment(
  deps: ReadDeps,
  access: OrganizationAccess,
  taskRef: string,
  id: string,
): Promise<Attachment> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, taskRef);
    return (
      (await tx.attachments.find(access.organization.id, task.id, id)) ?? notFound('attachment')
    );
  });
}

/** The attachment and its bytes, streamed from the blob store. */
export async function openAttachment(
  deps: ReadDeps & Pick<Deps, 'attachments'>,
  access: OrganizationAccess,
  taskRef: string,
  id: string,
): Promise<{ attachment: Attachment; content: ByteStream }> {
  const attachment = await getAttachment(deps, access, taskRef, id);
  if (attachment.status === 'quarantined') {
    throw new ConflictError('The file is quarantined: its bytes are not served');
  }
  const content =
    (await deps.attachments.blobs.get(attachment.storageKey)) ?? notFound('attachment content');
  return { attachment, content };
}
