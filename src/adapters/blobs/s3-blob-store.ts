// Blobs as objects of an S3 bucket (AWS, or any S3-compatible server: S3_ENDPOINT with path-style
// addressing). A put streams the bytes as a multipart upload of 5 MiB parts, one at a time (at
// most one part in memory); a failed put aborts the upload, so nothing is left under the key.
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobStore } from '../../application/attachments/ports.js';
import { ServiceUnavailableError } from '../../domain/shared/errors.js';
import { assertSafeKey, Counted } from './counted.js';

export interface S3Settings {
  readonly bucket: string;
  readonly region: string;
  /** An S3-compatible server's URL; unset: AWS. */
  readonly endpoint?: string | undefined;
  /** Path-style URLs (bucket in the path): what most S3-compatible servers need. */
  readonly forcePathStyle: boolean;
  /** Unset: the SDK's default chain (environment, profile, instance role). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

const PART_SIZE = 5 * 1024 * 1024;

const isMissing = (error: unknown) => {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
};

/**
 * An S3 that cannot be reached or answers 5xx (after the SDK's own retries) is a 503 to the
 * caller, who may try again; a 4xx (a missing bucket, bad credentials) stays what it is.
 */
function outage(error: unknown): unknown {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && status < 500) return error;
  return Object.assign(
    new ServiceUnavailableError('File storage is unavailable; try again shortly'),
    {
      cause: error,
    },
  );
}

export function s3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint !== undefined && { endpoint: settings.endpoint }),
    ...(settings.credentials && { credentials: { ...settings.credentials } }),
    // Checksums only where S3 requires them: S3-compatible servers do not all know the others.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function s3BlobStore(client: S3Client, bucket: string): BlobStore & { close(): void } {
  return {
    async put(key, source) {
      assertSafeKey(key);
      const counted = new Counted(source);
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: Readable.from(counted.stream()) },
        partSize: PART_SIZE,
        queueSize: 1,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (error) {
        // The source's own failure (a size limit) as it is; S3's as an outage.
        throw counted.sourceError !== undefined ? counted.sourceError : outage(error);
      }
      return counted.stored();
    },

    async get(key) {
      assertSafeKey(key);
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return object.Body as Readable | undefined;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw outage(error);
      }
    },

    async delete(key) {
      assertSafeKey(key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        throw outage(error);
      }
    },

    async exists(key) {
      assertSafeKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw outage(error);
      }
    },

    close() {
      client.destroy();
    },
  };
}
