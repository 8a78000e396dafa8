// A private PostgreSQL cluster for fault tests: initdb in a folder the test owns, a free loopback
// port, a postmaster the test can restart, stop and kill -9 at will. The shared server at :5432 is
// never touched. PostgreSQL refuses to run as root, so when the tests run as root every binary
// runs as the `postgres` OS user (spawn's uid/gid), in a folder chowned to it.
//
//   const pg = await startOwnPostgres();                   // or ({ port }): a port chosen before
//   const url = await pg.createMigratedDatabase('teamflow');   // superuser URL, migrations applied
//   await pg.restartFast();     // pg_ctl stop -m fast, then start: back when it accepts connections
//   await pg.killPostmaster();  // kill -9 of the postmaster; resolves once the cluster is gone
//   await pg.start();           // after a kill: crash recovery, then accepting connections
//   await pg.close();           // always, in afterAll: stops it by its pid, removes the folder
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chown, mkdtemp, open, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../../src/adapters/postgres/connect.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrator.js';

const READY_TIMEOUT_MS = 60_000;

export interface OwnPostgres {
  readonly port: number;
  /** The folder holding the cluster (`data/`), its socket and `postgres.log`. */
  readonly dir: string;
  /** The superuser's URL of `database` on this cluster. */
  url(database?: string): string;
  /** The postmaster's pid, while one runs. */
  readonly pid: number | undefined;
  /** Creates `name` and applies every migration to it (as the superuser); resolves with its URL. */
  createMigratedDatabase(name: string): Promise<string>;
  /** Starts the postmaster; resolves once it accepts connections (after crash recovery, if any). */
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: open transactions are rolled back, connections ended (57P01). */
  stop(): Promise<void>;
  /**
   * What `pg_ctl restart -m fast` does: a fast stop, then a start. The start is ours, not
   * pg_ctl's, so the new postmaster stays this process's child (see `start`).
   */
  restartFast(): Promise<void>;
  /**
   * `kill -9` of the postmaster. Its backends notice and exit on their own; this resolves once
   * every process of the cluster is gone, so a `start` can take the data folder over.
   */
  killPostmaster(): Promise<void>;
  /** The tail of the server's log, for failure messages. */
  logTail(lines?: number): Promise<string>;
  /** Stops the cluster if it runs and removes its folder. Safe to call more than once. */
  close(): Promise<void>;
}

/** True when this machine has the PostgreSQL server binaries the helper needs on PATH. */
export function hasPostgresBinaries(): boolean {
  try {
    execFileSync('initdb', ['--version'], { stdio: 'ignore' });
    execFileSync('pg_ctl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A port nobody listens on right now: bind port 0, read it, let it go. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whom the cluster's binaries run as: `postgres` when we are root, else ourselves. */
function clusterUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Whether `pid` is a live process. A zombie counts as gone: where pid 1 reaps nobody (this
 * machine's init does not), a dead backend of a killed postmaster stays a zombie for ever.
 */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pids of `parent`'s children (the postmaster's backends and auxiliary processes). */
function childrenOf(parent: number): number[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent)], { encoding: 'utf8' });
    return out
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface OwnPostgresOptions {
  /** The port to listen on (a test that pointed something there first); a free one when unset. */
  readonly port?: number;
}

export async function startOwnPostgres(options: OwnPostgresOptions = {}): Promise<OwnPostgres> {
  const user = clusterUser();
  const dir = await mkdtemp(path.join(tmpdir(), 'teamflow-own-pg-'));
  if (user) await chown(dir, user.uid, user.gid);
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const port = options.port ?? (await freePort());
  const run = (command: string, args: string[]) =>
    execFileSync(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...user });

  run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  // In postgresql.conf, so every start (ours, pg_ctl's) uses them.
  await appendFile(
    path.join(dataDir, 'postgresql.conf'),
    [
      '',
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      'max_connections = 50',
      'shared_buffers = 16MB',
      '',
    ].join('\n'),
  );
  await writeFile(logFile, '');
  if (user) await chown(logFile, user.uid, user.gid);

  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let postmaster: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const killOnExit = () => postmaster?.kill('SIGQUIT'); // the test process died: immediate stop
  process.once('exit', killOnExit);

  async function acceptsConnections(): Promise<boolean> {
    const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false; // refused, or 57P03 while it starts up or recovers
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /**
   * Spawned by us, not by `pg_ctl start`: a postmaster pg_ctl starts is re-parented to pid 1,
   * and after a kill -9 it would stay a zombie (pid 1 here reaps nobody) whose pid holds
   * postmaster.pid's lock. As our child it is reaped, and its pid is ours to signal.
   */
  async function start(): Promise<void> {
    if (postmaster) throw new Error('the postmaster is already running');
    const log = await open(logFile, 'a');
    const child = spawn('postgres', ['-D', dataDir], {
      cwd: dir,
      stdio: ['ignore', log.fd, log.fd],
      ...user,
    });
    await log.close();
    postmaster = child;
    let gone = false;
    exited = new Promise((resolve) =>
      child.once('exit', () => {
        gone = true;
        if (postmaster === child) postmaster = undefined;
        resolve();
      }),
    );
    await waitUntil(
      async () => {
        if (gone) throw new Error(`postgres exited during start:\n${await logTail()}`);
        return acceptsConnections();
      },
      'PostgreSQL accepts connections',
      READY_TIMEOUT_MS,
    );
  }

  async function stop(): Promise<void> {
    if (!postmaster) return;
    // Not execFileSync: the test's own load keeps running (and recording) while it waits.
    await promisify(execFile)('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'], {
      cwd: dir,
      ...user,
    });
    await exited;
  }

  async function killPostmaster(): Promise<void> {
    const pid = postmaster?.pid;
    if (pid === undefined) throw new Error('no postmaster to kill');
    const family = childrenOf(pid);
    process.kill(pid, 'SIGKILL');
    await exited;
    await waitUntil(
      () => family.every((child) => !isAlive(child)),
      'the killed postmaster’s processes are gone',
      READY_TIMEOUT_MS,
    );
  }

  async function logTail(lines = 40): Promise<string> {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }

  let closed = false;
  await start();
  return {
    port,
    dir,
    url,
    get pid() {
      return postmaster?.pid;
    },
    async createMigratedDatabase(name) {
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const handle = await openDatabase({ kind: 'postgres', url: url(name), poolSize: 1 });
      try {
        await migrateToLatest(handle.db);
      } finally {
        await handle.close();
      }
      return url(name);
    },
    start,
    stop,
    async restartFast() {
      await stop();
      await start();
    },
    killPostmaster,
    logTail,
    async close() {
      if (closed) return;
      closed = true;
      process.off('exit', killOnExit);
      if (postmaster) {
        postmaster.kill('SIGQUIT'); // immediate shutdown: nothing here needs a checkpoint
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
