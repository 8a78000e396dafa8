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
        throw counted.cause(error);
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
        throw error;
      }
    },

    async delete(key) {
      assertSafeKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    async exists(key) {
      assertSafeKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },

    close() {
      client.destroy();
    },
  };
}
