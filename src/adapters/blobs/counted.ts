// What a blob store learns while it writes: the bytes' count and SHA-256, and the source's own
// error (a size limit), kept so that the put rejects with it whatever the writer wrapped it in.
import { createHash } from 'node:crypto';
import type { ByteStream, StoredBlob } from '../../application/attachments/ports.js';

export class Counted {
  private readonly hash = createHash('sha256');
  private size = 0;
  /** The error the source threw, if it threw. */
  sourceError: unknown;

  constructor(private readonly source: ByteStream) {}

  async *stream(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of this.source) {
        this.hash.update(chunk);
        this.size += chunk.byteLength;
        yield chunk;
      }
    } catch (error) {
      this.sourceError = error;
      throw error;
    }
  }

  /** The source's error when it failed, else `error`. */
  cause(error: unknown): unknown {
    return this.sourceError ?? error;
  }

  stored(): StoredBlob {
    return { sizeBytes: this.size, sha256: this.hash.digest('hex') };
  }
}

/** Keys are made of ids (domain/attachments storageKeyOf): letters, digits, `-`, `_`, `.` and `/`. */
export function assertSafeKey(key: string): void {
  const safe =
    /^[A-Za-z0-9_-][A-Za-z0-9._/-]{0,511}$/.test(key) &&
    !key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..');
  if (!safe) throw new Error(`Unsafe blob key: ${JSON.stringify(key)}`);
}
