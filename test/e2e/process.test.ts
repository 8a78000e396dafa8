// The API process as an operator runs it: configuration errors, the embedded default, SIGTERM,
// and data (and the generated signing key) surviving a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../support/client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = 'src/bootstrap/main.ts';
/** Two embedded start-ups on a loaded 2-core machine (each 5–60 s). */
const EMBEDDED_TEST_MS = 300_000;

interface RunningProcess {
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

/**
 * Starts the API with only the variables given (plus what node itself needs): nothing of the
 * test run's own DATABASE_URL, REDIS_URL or TEST_* leaks into it.
 */
function startApi(env: Record<string, string>): RunningProcess {
  const base: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) base[name] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, output, exited };
}

/** The port of the process's 'listening' log line, once written; fails if the process dies first. */
async function boundPort(api: RunningProcess): Promise<number> {
  let died = false;
  void api.exited.then(() => (died = true));
  for (;;) {
    for (const line of api.output.stdout.split('\n')) {
      if (!line.startsWith('{') || !line.endsWith('}')) continue; // a line still being written
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening' && typeof entry.port === 'number') return entry.port;
    }
    if (died) throw new Error(`the API exited during start-up:\n${api.output.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Polls /health until it answers 200; fails at once if the process dies first. No budget of its
 * own: a PGlite start takes 5 s on an idle machine and near a minute on a loaded one, so the
 * test's timeout is the only bound.
 */
async function waitUntilHealthy(api: RunningProcess, baseUrl: string): Promise<void> {
  let died = false;
  void api.exited.then(() => (died = true));
  for (;;) {
    if (died) throw new Error(`the API exited during start-up:\n${api.output.stderr}`);
    const status = await fetch(`${baseUrl}/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('a bad configuration', () => {
  it('exits with 1 and names each offending variable', async () => {
    const api = startApi({ PORT: 'abc', MAX_SESSIONS_PER_USER: '0', DATABASE_URL: 'mysql://x' });
    expect((await api.exited).code).toBe(1);
    for (const name of ['PORT', 'MAX_SESSIONS_PER_USER', 'DATABASE_URL']) {
      expect(api.output.stderr).toMatch(new RegExp(`\\b${name}\\b`));
    }
  }, 60_000);

  it('refuses production without JWT_PRIVATE_KEY', async () => {
    const api = startApi({ NODE_ENV: 'production' });
    expect((await api.exited).code).toBe(1);
    expect(api.output.stderr).toMatch(/\bJWT_PRIVATE_KEY\b/);
  }, 60_000);
});

describe('the embedded default (PGlite in DATA_DIR)', () => {
  let dataDir: string;
  const email = `operator-${Date.now().toString(36)}@example.com`;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'teamflow-e2e-'));
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  async function run(check: (baseUrl: string) => Promise<void>): Promise<void> {
    // Port 0, reached at the port its 'listening' line names: a free port picked here could be
    // taken by another test file's process before this one binds it.
    const api = startApi({
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    });
    try {
      const baseUrl = `http://127.0.0.1:${await boundPort(api)}`;
      await waitUntilHealthy(api, baseUrl);
      await check(baseUrl);
    } finally {
      api.child.kill('SIGTERM');
    }
    expect(await api.exited, api.output.stderr).toEqual({ code: 0, signal: null });
  }

  const jwksKid = async (baseUrl: string): Promise<string> => {
    const jwks = await client(baseUrl).get('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(1);
    return jwks.body.keys[0].kid as string;
  };

  // One test, two runs: the second proves what the first left, so they cannot be split.
  it(
    'starts, migrates, serves, exits 0 on SIGTERM, and keeps its data and signing key across a restart',
    async () => {
      let kid = '';
      await run(async (baseUrl) => {
        const api = client(baseUrl);
        expect((await api.get('/health/ready')).status).toBe(200);
        const registered = await api.post('/api/v1/auth/register', {
          email,
          password: 'correct-horse-battery',
          name: 'Operator',
        });
        expect(registered.status).toBe(201);
        kid = await jwksKid(baseUrl);
        expect(kid).toEqual(expect.any(String));
      });
      await run(async (baseUrl) => {
        // A taken address would answer like a new one (no enumeration): the login proves the
        // account of the first run is still there (its password, not yet verified: 403).
        const login = await client(baseUrl).post('/api/v1/auth/login', {
          email,
          password: 'correct-horse-battery',
        });
        expect(login.status).toBe(403);
        expect(await jwksKid(baseUrl)).toBe(kid);
      });
    },
    EMBEDDED_TEST_MS,
  );
});
