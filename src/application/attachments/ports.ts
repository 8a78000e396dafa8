// The ports of attachments: where the bytes go (BlobStore), what the bytes are (ContentSniffer),
// whether they may be served (AttachmentScanner), and the rows that describe them.
import type { Attachment, AttachmentStatus } from '../../domain/attachments/attachment.js';

/** Bytes as they stream: a Node Readable is one, and so is an async generator. */
export type ByteStream = AsyncIterable<Uint8Array>;

/** What a put stored: the store counts and hashes the bytes as they go by. */
export interface StoredBlob {
  readonly sizeBytes: number;
  /** Hex SHA-256. */
  readonly sha256: string;
}

/**
 * Keeps blobs by key. A put is all or nothing: when `source` throws (a size limit) or the store
 * fails, nothing is left under the key and the put rejects with that error. A put over an
 * existing key replaces it. Deleting a missing key is no error.
 */
export interface BlobStore {
  put(key: string, source: ByteStream): Promise<StoredBlob>;
  /** The bytes, streamed; undefined when there is no such blob. */
  get(key: string): Promise<ByteStream | undefined>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

/** The media type the first bytes of a file show (file-type); undefined when they show none. */
export interface ContentSniffer {
  /** How many leading bytes it needs at most. */
  readonly headBytes: number;
  sniff(head: Uint8Array): Promise<string | undefined>;
}

/** What a scanner is told of a file it looks at. */
export interface ScannedFile {
  readonly organizationId: string;
  readonly taskId: string;
  readonly attachmentId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly storageKey: string;
}

/**
 * Looks at an uploaded file before it is recorded (a virus scanner, a policy): `quarantined`
 * keeps the row but never serves the bytes. `open` streams the stored bytes.
 */
export interface AttachmentScanner {
  scan(file: ScannedFile, open: () => Promise<ByteStream | undefined>): Promise<AttachmentStatus>;
}

export interface AttachmentSettings {
  readonly blobs: BlobStore;
  readonly sniffer: ContentSniffer;
  readonly scanner: AttachmentScanner;
  /** ATTACHMENT_MAX_BYTES: one file's limit (413 past it). */
  readonly maxBytes: number;
  /** ATTACHMENT_ORG_QUOTA_BYTES: one organization's attachments together. */
  readonly quotaBytes: number;
  /** How long an upload may take: its blob is deleted after this unless its row committed. */
  readonly uploadGraceMs: number;
}

export interface AttachmentCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export type NewAttachment = Omit<Attachment, 'createdAt'> & { readonly now: Date };

export interface AttachmentRepository {
  /** A task's attachments (one comment's when `commentId` is given), oldest first. */
  list(
    organizationId: string,
    taskId: string,
    query: {
      readonly commentId?: string | undefined;
      readonly limit: number;
      readonly after?: AttachmentCursor | undefined;
    },
  ): Promise<Attachment[]>;
  find(organizationId: string, taskId: string, id: string): Promise<Attachment | undefined>;
  create(attachment: NewAttachment): Promise<Attachment>;
  /** Deletes the row; the deleted row, or undefined when there was none. */
  delete(organizationId: string, taskId: string, id: string): Promise<Attachment | undefined>;
  /** The organization's bytes in attachments. */
  usage(organizationId: string): Promise<number>;
  /**
   * Counts `bytes` more against the organization unless that would pass `quotaBytes`: false
   * then. Locks the organization's counter until the transaction ends (concurrent uploads queue).
   */
  reserve(organizationId: string, bytes: number, quotaBytes: number): Promise<boolean>;
  release(organizationId: string, bytes: number): Promise<void>;
  /** Lists the blob for deletion from `notBefore` on (a later time for an upload's intent). */
  scheduleBlobDeletion(organizationId: string, key: string, notBefore: Date): Promise<void>;
  /** Forgets a scheduled deletion (the upload's row committed). */
  cancelBlobDeletion(organizationId: string, key: string): Promise<void>;
}

/** The worker's side, across organizations. */
export interface AttachmentMaintenance {
  /** Keys of blobs whose deletion is due at `now`, up to `limit`. */
  dueBlobDeletions(now: Date, limit: number): Promise<string[]>;
  blobDeletionsDone(keys: readonly string[]): Promise<void>;
  /** Purges up to `limit` tasks soft-deleted before `before` (their files listed for deletion). */
  purgeDeletedTasks(before: Date, limit: number): Promise<number>;
}
