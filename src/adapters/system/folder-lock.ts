// One process per data folder: the embedded database (PGlite) in DATA_DIR has no server between it
// and its files, so two processes on one folder would both write and diverge. The first takes an
// exclusive lock file (created with O_EXCL) holding its pid; a second is refused while that pid
// lives. A lock whose pid is dead (a crash, a kill -9) is stale and taken over.
import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

export const LOCK_FILE = 'teamflow.lock';

/** The folder is held by another live process. */
export class FolderInUseError extends Error {
  constructor(
    readonly folder: string,
    readonly pid: number,
  ) {
    super(
      `DATA_DIR ${folder} is in use by process ${pid} (the embedded database takes one process ` +
        'at a time): stop that process, set DATA_DIR to another folder, or set DATABASE_URL',
    );
  }
}

export interface FolderLock {
  readonly file: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  // Our own pid in the file is a previous life of ours (a container's pid 1 after a restart).
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in the lock file; undefined when unreadable or empty (a holder that died writing it). */
async function holderOf(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Takes `folder` (created if missing) for this process, or throws FolderInUseError. */
export async function lockFolder(folder: string): Promise<FolderLock> {
  await mkdir(folder, { recursive: true });
  const file = path.join(folder, LOCK_FILE);
  // A few rounds: a stale lock removed here may be taken by a racing process first.
  for (let round = 0; round < 3; round += 1) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return heldLock(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = await holderOf(file);
    if (pid !== undefined && isAlive(pid)) throw new FolderInUseError(folder, pid);
    await unlink(file).catch(() => undefined); // stale: its holder is gone
  }
  const pid = await holderOf(file);
  throw new FolderInUseError(folder, pid ?? 0);
}

function heldLock(file: string): FolderLock {
  const ours = (text: string) => Number.parseInt(text.trim(), 10) === process.pid;
  // An exit that skips the graceful stop (process.exit after a failed start) still lets go.
  const onExit = () => {
    try {
      if (ours(readFileSync(file, 'utf8'))) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      process.off('exit', onExit);
      if (ours(await readFile(file, 'utf8').catch(() => ''))) await unlink(file).catch(() => {});
    },
  };
}
