// Blobs in this process's memory: for tests of the use cases (and the contract suite's baseline).
import { createHash } from 'node:crypto';
import type { BlobStore } from '../../application/attachments/ports.js';

/** The keys every store takes (adapters/blobs/counted.ts): no segment that could leave a folder. */
function checked(key: string): string {
  if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error(`Unsafe blob key: ${JSON.stringify(key)}`);
  }
  return key;
}

export function memoryBlobStore(): BlobStore & { readonly keys: () => string[] } {
  const blobs = new Map<string, Buffer>();
  return {
    async put(key, source) {
      checked(key);
      const chunks: Buffer[] = [];
      for await (const chunk of source) chunks.push(Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      blobs.set(key, bytes);
      return { sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    },
    async get(key) {
      const bytes = blobs.get(checked(key));
      if (bytes === undefined) return undefined;
      return (async function* () {
        await Promise.resolve();
        yield new Uint8Array(bytes);
      })();
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
