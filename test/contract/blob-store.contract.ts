// What every BlobStore adapter promises, run once per adapter by blob-store.test.ts: a put is all
// or nothing and reports the bytes' size and SHA-256; get streams the bytes back (undefined when
// missing); a put over a key replaces it; delete is idempotent; a source that fails leaves nothing
// under the key and the put rejects with the source's own error.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore, ByteStream } from '../../src/application/attachments/ports.js';
import { uniqueTag } from '../support/env.js';

export interface BlobStoreUnderTest {
  readonly store: BlobStore;
  readonly cleanup: () => Promise<void>;
}

async function* chunks(...parts: (Buffer | Error)[]): ByteStream {
  for (const part of parts) {
    if (part instanceof Error) throw part;
    yield part;
  }
}

async function bytesOf(stream: ByteStream | undefined): Promise<Buffer | undefined> {
  if (stream === undefined) return undefined;
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function blobStoreContract(name: string, make: () => Promise<BlobStoreUnderTest>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let cleanup: () => Promise<void>;
    const key = () => `attachments/${uniqueTag()}/${crypto.randomUUID()}`;

    beforeAll(async () => {
      ({ store, cleanup } = await make());
    });
    afterAll(async () => {
      await cleanup();
    });

    it('stores what it is given in chunks, reports size and SHA-256, and streams it back', async () => {
      const k = key();
      const parts = [Buffer.from('hello, '), Buffer.alloc(100_000, 7), Buffer.from('world')];
      const all = Buffer.concat(parts);
      expect(await store.put(k, chunks(...parts))).toEqual({
        sizeBytes: all.length,
        sha256: sha256(all),
      });
      expect(await store.exists(k)).toBe(true);
      expect(Buffer.compare((await bytesOf(await store.get(k)))!, all)).toBe(0);
    });

    it('stores an empty blob', async () => {
      const k = key();
      expect(await store.put(k, chunks())).toEqual({
        sizeBytes: 0,
        sha256: sha256(Buffer.alloc(0)),
      });
      expect(await bytesOf(await store.get(k))).toEqual(Buffer.alloc(0));
    });

    it('stores a blob of several multipart parts (over 5 MiB)', async () => {
      const k = key();
      const part = Buffer.alloc(1024 * 1024, 3);
      const parts = Array.from({ length: 6 }, () => part);
      const stored = await store.put(k, chunks(...parts, Buffer.from('tail')));
      expect(stored.sizeBytes).toBe(6 * part.length + 4);
      expect((await bytesOf(await store.get(k)))!.length).toBe(stored.sizeBytes);
    });

    it('replaces a blob put again under its key', async () => {
      const k = key();
      await store.put(k, chunks(Buffer.from('first')));
      await store.put(k, chunks(Buffer.from('second')));
      expect((await bytesOf(await store.get(k)))!.toString()).toBe('second');
    });

    it('answers undefined and false for a key never put', async () => {
      const k = key();
      expect(await store.get(k)).toBeUndefined();
      expect(await store.exists(k)).toBe(false);
    });

    it('deletes a blob, and deleting a missing one is no error', async () => {
      const k = key();
      await store.put(k, chunks(Buffer.from('bye')));
      await store.delete(k);
      expect(await store.exists(k)).toBe(false);
      expect(await store.get(k)).toBeUndefined();
      await expect(store.delete(k)).resolves.toBeUndefined();
    });

    it('leaves nothing when the source fails, and rejects with the source’s error', async () => {
      const k = key();
      const limit = new Error('over the limit');
      await expect(store.put(k, chunks(Buffer.alloc(70_000, 1), limit))).rejects.toBe(limit);
      expect(await store.exists(k)).toBe(false);
      const big = Array.from({ length: 6 }, () => Buffer.alloc(1024 * 1024, 2));
      await expect(store.put(k, chunks(...big, limit))).rejects.toBe(limit);
      expect(await store.exists(k)).toBe(false);
    });

    it('refuses a key that could leave its folder', async () => {
      await expect(store.put('../outside', chunks(Buffer.from('x')))).rejects.toThrow();
      await expect(store.get('a/../../b')).rejects.toThrow();
    });
  });
}
