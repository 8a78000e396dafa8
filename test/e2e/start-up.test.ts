// The API process's start as an operator meets it: what production refuses, a port or a data folder
// already taken (one line, exit 1), PostgreSQL not there yet (503 until it is, no restart), and
// the log format.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/postgres/connect.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrator.js';
import { LOCK_FILE } from '../../src/adapters/system/folder-lock.js';
import { startApiProcess, untilHealthy, type ApiProcess } from '../support/api-process.js';
import { eventually } from '../support/async.js';
import { client } from '../support/client.js';
import {
  freePort,
  hasPostgresBinaries,
  startOwnPostgres,
  type OwnPostgres,
} from '../support/own-postgres.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const children = new Set<ChildProcess>();
const folders: string[] = [];

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'teamflow-start-'));
  folders.push(folder);
  return folder;
}

interface SpawnedApi {
  readonly pid: number;
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Starts the API with only `env` (plus what node needs). */
function spawnApi(env: Record<string, string>, entry = 'src/bootstrap/main.ts'): SpawnedApi {
  const inherited: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) inherited[name] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return {
    pid: child.pid!,
    output,
    exited,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs the API to its end; resolves with its exit code and output. */
async function runToExit(env: Record<string, string>) {
  const api = spawnApi(env);
  const code = await api.exited;
  return { code, ...api.output };
}

/** A PostgreSQL URL where nothing listens: the API starts without waiting on it. */
async function nowhereUrl(): Promise<string> {
  return `postgres://postgres@127.0.0.1:${await freePort()}/teamflow`;
}

describe('production fails closed', () => {
  it('refuses to start without DATABASE_URL, SMTP_URL and REDIS_URL, naming each', async () => {
    const { code, stderr } = await runToExit({
      NODE_ENV: 'production',
      JWT_PRIVATE_KEY: '{"kty":"OKP"}',
      DATA_DIR: await tempFolder(),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^ {2}- DATABASE_URL: required when NODE_ENV=production/m);
    expect(stderr).toMatch(/^ {2}- SMTP_URL: required .* unless MAIL_TRANSPORT=log/m);
    expect(stderr).toMatch(/^ {2}- REDIS_URL: required .* unless CACHE_STORE=memory/m);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);
});

describe('the worker process', () => {
  const runWorker = async (env: Record<string, string>) => {
    const worker = spawnApi(env, 'src/bootstrap/worker.ts');
    return { code: await worker.exited, ...worker.output };
  };

  it('refuses the embedded database, saying the API dispatches there', async () => {
    const { code, stderr } = await runWorker({ DATA_DIR: await tempFolder() });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      'The worker needs PostgreSQL: set DATABASE_URL. The embedded database (no DATABASE_URL) runs ' +
        'its dispatcher inside the API process: `npm start` alone does everything.',
    );
  }, 60_000);

  it('refuses to run without Redis, through which it reaches the API processes', async () => {
    const { code, stderr } = await runWorker({ DATABASE_URL: await nowhereUrl() });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^The worker needs Redis: set REDIS_URL/);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('a port already in use', () => {
  let listener: Server | undefined;
  /** The port `listener` holds. */
  let port: number;
  beforeAll(async () => {
    listener = createServer();
    port = await new Promise<number>((resolve) =>
      listener!.listen(0, '127.0.0.1', () =>
        resolve((listener!.address() as { port: number }).port),
      ),
    );
  });
  afterAll(() => listener?.close());

  it('says which port and what to do, in one line, and exits 1', async () => {
    const { code, stderr } = await runToExit({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: await nowhereUrl(),
      DATA_DIR: await tempFolder(),
      LOG_LEVEL: 'silent',
    });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `Cannot listen: port ${port} on 127.0.0.1 is already in use (another TeamFlow, or another server): stop it, or set PORT to a free port`,
    );
  }, 60_000);

  it('names ADMIN_PORT when the admin listener’s port is the one taken', async () => {
    const { code, stderr } = await runToExit({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      ADMIN_PORT: String(port),
      DATABASE_URL: await nowhereUrl(),
      DATA_DIR: await tempFolder(),
      LOG_LEVEL: 'silent',
    });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `Cannot listen: port ${port} on 127.0.0.1 is already in use (another TeamFlow, or another server): stop it, or set ADMIN_PORT to a free port`,
    );
  }, 60_000);
});

describe('two processes on one DATA_DIR (the embedded database)', () => {
  it('refuses the second with the first one’s pid, and the first lets go when it stops', async () => {
    const dataDir = await tempFolder();
    const port = await freePort();
    const env = {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    };
    const first = spawnApi({ ...env, PORT: String(port) });
    try {
      let died = false;
      void first.exited.then(() => (died = true));
      await untilHealthy(`http://127.0.0.1:${port}`, () => died).catch((error: Error) => {
        throw new Error(`${error.message}:\n${first.output.stderr}`);
      });
      const second = await runToExit({ ...env, PORT: String(await freePort()) });
      expect(second.code).toBe(1);
      expect(second.stderr.trim()).toBe(
        `DATA_DIR ${dataDir} is in use by process ${first.pid} (the embedded database takes one ` +
          'process at a time): stop that process, set DATA_DIR to another folder, or set DATABASE_URL',
      );
      // The first one never noticed.
      expect((await client(`http://127.0.0.1:${port}`).get('/health/ready')).status).toBe(200);
      expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);
    } finally {
      expect(await first.stop(), first.output.stderr).toBe(0);
    }
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  }, 300_000);
});

describe('the log format', () => {
  it('writes pretty lines with LOG_FORMAT=pretty, JSON lines without', async () => {
    const pretty = await startApiProcess({
      LOG_FORMAT: 'pretty',
      DATABASE_URL: await nowhereUrl(),
    });
    try {
      await eventually(async () => /INFO.*listening/.test(pretty.stderr), 30_000);
      expect(pretty.logs).toEqual([]); // not one JSON line
    } finally {
      await pretty.stop();
    }
    const json = await startApiProcess({ DATABASE_URL: await nowhereUrl() });
    try {
      await eventually(async () => json.logs.some((line) => line.msg === 'listening'), 30_000);
    } finally {
      await json.stop();
    }
  }, 120_000);
});

describe.skipIf(!hasPostgresBinaries())('PostgreSQL not ready at start', () => {
  let own: OwnPostgres | undefined;
  let api: ApiProcess | undefined;
  afterAll(async () => {
    await api?.stop();
    await own?.close();
  });

  const logged = (pattern: RegExp) =>
    eventually(async () => api!.logs.some((line) => pattern.test(line.msg)), 60_000);

  it('answers 503 with Retry-After, says why, and becomes ready without a restart', async () => {
    const port = await freePort();
    api = await startApiProcess({
      DATABASE_URL: `postgres://postgres:not-to-be-logged@127.0.0.1:${port}/teamflow`,
    });
    const where = `127.0.0.1:${port}`;
    await logged(new RegExp(`^database not ready: PostgreSQL at ${where} is not reachable`));
    expect((await api.http.get('/health')).status).toBe(200);
    const ready = await api.http.get('/health/ready');
    expect(ready.status).toBe(503);
    const login = await api.http.post('/api/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'correct-horse-battery',
    });
    expect(login.status).toBe(503);
    expect(login.headers.get('retry-after')).toBe('5');
    expect(login.body).toMatchObject({ success: false, error: { code: 'SERVICE_UNAVAILABLE' } });

    // The server comes up, without the database.
    own = await startOwnPostgres({ port });
    await logged(/^database not ready: database "teamflow" does not exist at .*createdb teamflow/);
    expect((await api.http.get('/api/v1/organizations')).status).toBe(503);

    // The database, not migrated.
    const admin = new pg.Client({ connectionString: own.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE teamflow');
    await admin.end();
    await logged(/^database not ready: .*run `npm run migrate`/);
    expect((await api.http.get('/health/ready')).status).toBe(503);

    // Migrated: the same process becomes ready.
    const handle = await openDatabase({ kind: 'postgres', url: own.url('teamflow'), poolSize: 1 });
    await migrateToLatest(handle.db);
    await handle.close();
    await eventually(async () => (await api!.http.get('/health/ready')).status === 200, 60_000);
    expect(api.logs.some((line) => line.msg === 'database ready')).toBe(true);
    const afterwards = await api.http.post('/api/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'correct-horse-battery',
    });
    expect(afterwards.status).toBe(401);
    expect(api.exitCode).toBeNull();
    expect(JSON.stringify(api.logs) + api.stderr).not.toContain('not-to-be-logged');
  }, 300_000);
});
