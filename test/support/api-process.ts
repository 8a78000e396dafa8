// The API as a real child process (node --import tsx src/bootstrap/main.ts, one process, so a
// signal reaches the server itself), for tests that kill and restart it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = 'src/bootstrap/main.ts';

export interface ApiProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no drain, no close; resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Starts the API on a free loopback port with only the variables given (plus what node needs):
 * nothing of the test run's DATABASE_URL, REDIS_URL or TEST_* leaks into it. Resolves once
 * /health answers 200; throws if the process exits first or `startupMs` pass.
 */
export async function startApiProcess(
  env: Record<string, string>,
  startupMs = 120_000,
): Promise<ApiProcess> {
  const port = await freePort();
  const base: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) base[name] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { ...base, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      gone = true;
      resolve({ code, signal });
    }),
  );
  const api: ApiProcess = {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    output,
    exited,
    async kill() {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
  };
  const deadline = Date.now() + startupMs;
  for (;;) {
    if (gone) throw new Error(`the API exited during start-up:\n${output.stderr}`);
    const status = await fetch(`${api.baseUrl}/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return api;
    if (Date.now() > deadline) {
      await api.kill();
      throw new Error(`/health did not answer 200 within ${startupMs} ms:\n${output.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
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
