// Runs the BlobStore contract on the filesystem adapter (a temporary folder) and on the S3 adapter
// against a local S3-compatible server (s3rver, on a free loopback port, stopped after).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesystemBlobStore } from '../../src/adapters/blobs/filesystem-blob-store.js';
import { s3BlobStore, s3Client } from '../../src/adapters/blobs/s3-blob-store.js';
import { memoryBlobStore } from '../../src/adapters/memory/memory-blob-store.js';
import { blobStoreContract } from './blob-store.contract.js';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as S3rverClass;

blobStoreContract('memoryBlobStore', () =>
  Promise.resolve({ store: memoryBlobStore(), cleanup: () => Promise.resolve() }),
);

blobStoreContract('filesystemBlobStore', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'teamflow-blobs-'));
  return {
    store: filesystemBlobStore(root),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

blobStoreContract('s3BlobStore (s3rver)', async () => {
  const directory = await mkdtemp(path.join(tmpdir(), 'teamflow-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: 'teamflow-test' }],
  });
  const { port } = await server.run();
  const store = s3BlobStore(
    s3Client({
      bucket: 'teamflow-test',
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    }),
    'teamflow-test',
  );
  return {
    store,
    cleanup: async () => {
      store.close();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
});

describe('filesystemBlobStore', () => {
  it('leaves no temporary file behind, whether a put succeeds or fails', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'teamflow-blobs-'));
    const store = filesystemBlobStore(root);
    await store.put(
      'a/b',
      (async function* () {
        yield Buffer.from('ok');
      })(),
    );
    await expect(
      store.put(
        'a/c',
        (async function* () {
          yield Buffer.from('half');
          throw new Error('cut');
        })(),
      ),
    ).rejects.toThrow('cut');
    expect(await readdir(path.join(root, '.partial'))).toEqual([]);
    await rm(root, { recursive: true, force: true });
  });
});
