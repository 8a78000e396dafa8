// Attachments' runtime: the blob store (S3 when S3_BUCKET is set, else files under
// DATA_DIR/blobs), the sniffer, the scanner (passes everything unless a test or a deployment
// brings its own) and the limits; and the worker's chore that purges long-deleted tasks and
// deletes the blobs whose deletion is due.
import path from 'node:path';
import { deleteDueBlobs, purgeDeletedTasks } from '../application/attachments/purge.js';
import type {
  AttachmentMaintenance,
  AttachmentScanner,
  AttachmentSettings,
} from '../application/attachments/ports.js';
import type { Clock, Logger } from '../application/shared/ports.js';
import { fileTypeSniffer } from '../adapters/blobs/file-type-sniffer.js';
import { filesystemBlobStore } from '../adapters/blobs/filesystem-blob-store.js';
import { s3BlobStore, s3Client } from '../adapters/blobs/s3-blob-store.js';
import { passingScanner } from '../adapters/blobs/scanners.js';
import { periodic, type Periodic } from '../adapters/worker/periodic.js';
import type { Config } from './config.js';
import type { Closer } from './http-server.js';

export interface AttachmentsRuntime {
  readonly settings: AttachmentSettings;
  readonly closer: Closer;
}

export function composeAttachments(
  config: Config,
  scanner: AttachmentScanner = passingScanner,
): AttachmentsRuntime {
  const s3 =
    config.S3_BUCKET === undefined
      ? undefined
      : s3BlobStore(
          s3Client({
            bucket: config.S3_BUCKET,
            region: config.S3_REGION,
            endpoint: config.S3_ENDPOINT,
            forcePathStyle: config.S3_FORCE_PATH_STYLE ?? config.S3_ENDPOINT !== undefined,
            ...(config.S3_ACCESS_KEY_ID !== undefined &&
              config.S3_SECRET_ACCESS_KEY !== undefined && {
                credentials: {
                  accessKeyId: config.S3_ACCESS_KEY_ID,
                  secretAccessKey: config.S3_SECRET_ACCESS_KEY,
                },
              }),
          }),
          config.S3_BUCKET,
        );
  return {
    settings: {
      blobs: s3 ?? filesystemBlobStore(path.resolve(config.DATA_DIR, 'blobs')),
      sniffer: fileTypeSniffer,
      scanner,
      maxBytes: config.ATTACHMENT_MAX_BYTES,
      quotaBytes: config.ATTACHMENT_ORG_QUOTA_BYTES,
      uploadGraceMs: config.ATTACHMENT_UPLOAD_GRACE_SECONDS * 1000,
    },
    closer: {
      name: 'blob store',
      close: () => {
        s3?.close();
        return Promise.resolve();
      },
    },
  };
}

/** Purges tasks deleted DELETED_TASK_RETENTION_DAYS ago, then deletes the blobs that are due. */
export function attachmentChore(
  config: Config,
  deps: {
    readonly maintenance: AttachmentMaintenance;
    readonly clock: Clock;
    readonly attachments: AttachmentSettings;
  },
  logger: Logger,
): Periodic {
  return periodic(
    'deleted task purge and blob deletion',
    async () => {
      await purgeDeletedTasks(deps, config.DELETED_TASK_RETENTION_DAYS, logger);
      await deleteDueBlobs(deps, logger);
    },
    config.EVENT_PURGE_INTERVAL_SECONDS * 1000,
    logger,
  );
}
