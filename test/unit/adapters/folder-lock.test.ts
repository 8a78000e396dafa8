// The data folder's lock: one holder at a time, a dead holder's lock taken over, released on close.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FolderInUseError,
  LOCK_FILE,
  lockFolder,
} from '../../../src/adapters/system/folder-lock.js';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'teamflow-lock-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** The pid of a process that has exited (and been reaped): nobody holds it now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('lockFolder', () => {
  it('writes our pid, refuses a second holder while we live, and lets go on release', async () => {
    const lock = await lockFolder(folder);
    expect(await readFile(path.join(folder, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    // A live holder other than us: the parent process (the lock file says so).
    await lock.release();
    await writeFile(path.join(folder, LOCK_FILE), `${process.ppid}\n`);
    const refused = await lockFolder(folder).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FolderInUseError);
    expect((refused as FolderInUseError).pid).toBe(process.ppid);
    expect((refused as Error).message).toMatch(/DATA_DIR .* is in use by process \d+/);
    expect((refused as Error).message).toMatch(/DATABASE_URL/);
    // Still the other holder's: a refused lock leaves the file alone.
    expect(await readFile(path.join(folder, LOCK_FILE), 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('takes over a lock whose holder is dead, empty, or a previous life of our own pid', async () => {
    for (const content of [`${await deadPid()}\n`, '', `${process.pid}\n`]) {
      await writeFile(path.join(folder, LOCK_FILE), content);
      const lock = await lockFolder(folder);
      expect(await readFile(path.join(folder, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
      await lock.release();
      await expect(readFile(path.join(folder, LOCK_FILE))).rejects.toMatchObject({
        code: 'ENOENT',
      });
    }
  });

  it('creates a missing folder, and a release never removes a lock that is no longer ours', async () => {
    const nested = path.join(folder, 'a', 'b');
    const lock = await lockFolder(nested);
    await writeFile(path.join(nested, LOCK_FILE), `${process.ppid}\n`); // taken over meanwhile
    await lock.release();
    expect(await readFile(path.join(nested, LOCK_FILE), 'utf8')).toBe(`${process.ppid}\n`);
  });
});
