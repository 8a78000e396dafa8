// Blobs in this process's memory: for tests of the use cases (and the contract suite's baseline).
import { createHash } from 'node:crypto';
import type { BlobStore } from '../../application/attachments/ports.js';

export function memoryBlobStore(): BlobStore & { readonly keys: () => string[] } {
  const blobs = new Map<string, Buffer>();
  return {
    async put(key, source) {
      const chunks: Buffer[] = [];
      for await (const chunk of source) chunks.push(Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      blobs.set(key, bytes);
      return { sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    },
    get(key) {
      const bytes = blobs.get(key);
      if (bytes === undefined) return Promise.resolve(undefined);
      return Promise.resolve(
        (async function* () {
          yield new Uint8Array(bytes);
        })(),
      );
    },
    delete(key) {
      blobs.delete(key);
      return Promise.resolve();
    },
    exists(key) {
      return Promise.resolve(blobs.has(key));
    },
    keys: () => [...blobs.keys()],
  };
}
