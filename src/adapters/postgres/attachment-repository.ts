// Attachments' rows, each organization's byte counter and the list of blobs to delete (migration
// 0030). Lists run oldest first by (created_at, id). The counter's row is locked by the update that
// reserves bytes, so concurrent uploads of one organization queue there and the quota holds. The
// worker's side (due deletions, the task purge) calls SECURITY DEFINER functions: it reads across
// organizations.
import { sql, type Selectable } from 'kysely';
import type {
  AttachmentMaintenance,
  AttachmentRepository,
} from '../../application/attachments/ports.js';
import type { Attachment } from '../../domain/attachments/attachment.js';
import { isUuid } from '../../domain/shared/id.js';
import type { AttachmentsTable } from './database-attachments.js';
import type { Db } from './database.js';

function toAttachment(row: Selectable<AttachmentsTable>): Attachment {
  return {
    id: row.id,
    organizationId: row.organization_id,
    taskId: row.task_id,
    commentId: row.comment_id,
    fileName: row.file_name,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    storageKey: row.storage_key,
    status: row.status,
    uploadedBy: row.uploaded_by,
    createdAt: row.created_at,
  };
}

export function postgresAttachmentRepository(db: Db): AttachmentRepository & AttachmentMaintenance {
  const ofTask = (organizationId: string, taskId: string) =>
    db
      .selectFrom('attachments')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('task_id', '=', taskId);

  return {
    async list(organizationId, taskId, query) {
      let select = ofTask(organizationId, taskId)
        .orderBy('created_at')
        .orderBy('id')
        .limit(query.limit);
      if (query.commentId !== undefined) select = select.where('comment_id', '=', query.commentId);
      const after = query.after;
      if (after !== undefined) {
        select = select.where(
          sql<boolean>`(created_at, id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`,
        );
      }
      return (await select.execute()).map(toAttachment);
    },

    async find(organizationId, taskId, id) {
      if (!isUuid(id)) return undefined;
      const row = await ofTask(organizationId, taskId).where('id', '=', id).executeTakeFirst();
      return row && toAttachment(row);
    },

    async create(attachment) {
      const row = await db
        .insertInto('attachments')
        .values({
          organization_id: attachment.organizationId,
          id: attachment.id,
          task_id: attachment.taskId,
          comment_id: attachment.commentId,
          file_name: attachment.fileName,
          content_type: attachment.contentType,
          size_bytes: attachment.sizeBytes,
          sha256: attachment.sha256,
          storage_key: attachment.storageKey,
          status: attachment.status,
          uploaded_by: attachment.uploadedBy,
          created_at: attachment.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toAttachment(row);
    },

    async delete(organizationId, taskId, id) {
      if (!isUuid(id)) return undefined;
      const row = await db
        .deleteFrom('attachments')
        .where('organization_id', '=', organizationId)
        .where('task_id', '=', taskId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toAttachment(row);
    },

    async usage(organizationId) {
      const row = await db
        .selectFrom('attachment_usage')
        .select('bytes')
        .where('organization_id', '=', organizationId)
        .executeTakeFirst();
      return row ? Number(row.bytes) : 0;
    },

    async reserve(organizationId, bytes, quotaBytes) {
      if (bytes > quotaBytes) return false;
      const { rows } = await sql<{ bytes: string }>`
        INSERT INTO attachment_usage AS u (organization_id, bytes)
        VALUES (${organizationId}, ${bytes})
        ON CONFLICT (organization_id) DO UPDATE SET bytes = u.bytes + EXCLUDED.bytes
        WHERE u.bytes + EXCLUDED.bytes <= ${quotaBytes}
        RETURNING u.bytes
      `.execute(db);
      return rows.length === 1;
    },

    async release(organizationId, bytes) {
      await sql`
        UPDATE attachment_usage SET bytes = greatest(0, bytes - ${bytes})
        WHERE organization_id = ${organizationId}
      `.execute(db);
    },

    async scheduleBlobDeletion(organizationId, key, notBefore) {
      await db
        .insertInto('blob_deletions')
        .values({ storage_key: key, organization_id: organizationId, not_before: notBefore })
        .onConflict((oc) => oc.column('storage_key').doUpdateSet({ not_before: notBefore }))
        .execute();
    },

    async cancelBlobDeletion(organizationId, key) {
      await db
        .deleteFrom('blob_deletions')
        .where('organization_id', '=', organizationId)
        .where('storage_key', '=', key)
        .execute();
    },

    async dueBlobDeletions(now, limit) {
      const { rows } = await sql<{ storage_key: string }>`
        SELECT storage_key FROM blob_deletions_due(${now}, ${limit})
      `.execute(db);
      return rows.map((row) => row.storage_key);
    },

    async blobDeletionsDone(keys) {
      if (keys.length === 0) return;
      await sql`SELECT blob_deletions_done(${[...keys]}::text[])`.execute(db);
    },

    async purgeDeletedTasks(before, limit) {
      const { rows } = await sql<{ purged: string | number }>`
        SELECT tasks_purge(${before}, ${limit}) AS purged
      `.execute(db);
      return Number(rows[0]?.purged ?? 0);
    },
  };
}
