// Blobs as files under a folder (DATA_DIR/blobs): the embedded default. A put writes a temporary
// file in the same folder tree, flushes it to disk, then renames it over the key's path, so a
// reader sees the whole blob or none; a failed put removes its temporary file.
import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore } from '../../application/attachments/ports.js';
import { assertSafeKey, Counted } from './counted.js';

const TEMPORARY = '.partial';

export function filesystemBlobStore(root: string): BlobStore {
  const pathOf = (key: string) => {
    assertSafeKey(key);
    return path.join(root, key);
  };

  return {
    async put(key, source) {
      const final = pathOf(key);
      const temporary = path.join(root, TEMPORARY, `${randomUUID()}.tmp`);
      await mkdir(path.dirname(temporary), { recursive: true });
      const counted = new Counted(source);
      const file = await open(temporary, 'wx');
      try {
        try {
          for await (const chunk of counted.stream()) await file.write(chunk);
          await file.sync();
        } finally {
          await file.close();
        }
        await mkdir(path.dirname(final), { recursive: true });
        await rename(temporary, final);
        return counted.stored();
      } catch (error) {
        await rm(temporary, { force: true });
        throw counted.cause(error);
      }
    },

    async get(key) {
      try {
        const file = await open(pathOf(key), 'r');
        return file.createReadStream();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },

    async delete(key) {
      await rm(pathOf(key), { force: true });
    },

    async exists(key) {
      try {
        return (await stat(pathOf(key))).isFile();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    },
  };
}
