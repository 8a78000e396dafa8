// The settings of attachments: limits, where the bytes go (DATA_DIR/blobs, or S3 when S3_BUCKET is
// set), and the purge of deleted tasks; documented in README "Configuration".
import { z } from 'zod';
import { boolean, positive, url } from './config-values.js';

export const attachmentSettings = {
  /** One file's limit (413 PAYLOAD_TOO_LARGE past it): 25 MiB. */
  ATTACHMENT_MAX_BYTES: positive.default(25 * 1024 * 1024),
  /** One organization's attachments together (413 QUOTA_EXCEEDED past it): 10 GiB. */
  ATTACHMENT_ORG_QUOTA_BYTES: positive.default(10 * 1024 * 1024 * 1024),
  /** The longest an upload may take: an upload's blob whose row has not committed by then goes. */
  ATTACHMENT_UPLOAD_GRACE_SECONDS: positive.min(60).default(3600),
  /** Tasks soft-deleted longer ago than this are purged by the worker, their files with them. */
  DELETED_TASK_RETENTION_DAYS: positive.max(3650).default(30),
  /** Set: attachments go to this S3 bucket; unset: files under DATA_DIR/blobs. */
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  /** An S3-compatible server (MinIO, Ceph…); unset: AWS. */
  S3_ENDPOINT: url(['http', 'https']).optional(),
  /** Path-style URLs; unset: on when S3_ENDPOINT is set. */
  S3_FORCE_PATH_STYLE: boolean.optional(),
  /** Both or neither; neither: the AWS SDK's default chain (environment, profile, role). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
};

type AttachmentEnv = z.infer<z.ZodObject<typeof attachmentSettings>>;

export function attachmentProblems(env: AttachmentEnv): string[] {
  const problems: string[] = [];
  if ((env.S3_ACCESS_KEY_ID === undefined) !== (env.S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither');
  }
  if (env.ATTACHMENT_MAX_BYTES > env.ATTACHMENT_ORG_QUOTA_BYTES) {
    problems.push('ATTACHMENT_MAX_BYTES: must not be over ATTACHMENT_ORG_QUOTA_BYTES');
  }
  return problems;
}
