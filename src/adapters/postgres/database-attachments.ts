// Row types of the attachment tables (migration 0030).
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** bigint: pg answers text, PGlite a number; written as a number. */
type BigIntColumn = ColumnType<string | number | bigint, number, number>;

export interface AttachmentsTable {
  organization_id: string;
  id: string;
  task_id: string;
  comment_id: string | null;
  file_name: string;
  content_type: string;
  size_bytes: BigIntColumn;
  sha256: string;
  storage_key: string;
  status: 'clean' | 'quarantined';
  uploaded_by: string | null;
  created_at: Timestamp;
}

export interface AttachmentUsageTable {
  organization_id: string;
  bytes: BigIntColumn;
}

export interface BlobDeletionsTable {
  storage_key: string;
  organization_id: string;
  not_before: Timestamp;
}

export interface AttachmentsTables {
  attachments: AttachmentsTable;
  attachment_usage: AttachmentUsageTable;
  blob_deletions: BlobDeletionsTable;
}
