// The API as a real child process (`node --import tsx src/bootstrap/main.ts`), for tests whose point
// is the process itself: that it survives a fault, exits with the right code, keeps state across a
// restart. Only the variables given reach it (plus what node needs): nothing of the test run's own
// DATABASE_URL, REDIS_URL or TEST_* leaks in.
//
//   const api = await startApiProcess({ DATABASE_URL: pg.url('teamflow') });
//   const user = await signUpThroughApi(api);   // registered, verified (token from the mail log), signed in
//   api.exitCode;                               // null while it runs
//   await api.stop();                           // SIGTERM; resolves with { code, signal }
//
// Pass `dataDir` to keep the generated signing key across two processes (a restart keeps tokens valid).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './async.js';
import { client, type Client } from './client.js';
import { uniqueTag } from './env.js';
import { freePort } from './own-postgres.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = 'src/bootstrap/main.ts';
const WORKER = 'src/bootstrap/worker.ts';
/** Log lines kept (parsed), the newest; enough to find the mails and the warnings of a test. */
const KEPT_LINES = 5_000;

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface ApiProcess {
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  /** A JSON client of this process (test/support/client.ts). */
  readonly http: Client;
  /** null while the process runs; its exit code once it has exited. */
  readonly exitCode: number | null;
  readonly exited: Promise<ExitStatus>;
  /** The newest log lines (pino JSON), parsed. */
  readonly logs: readonly LogLine[];
  /** Everything the process wrote that was not a log line (stack traces, tsx errors). */
  readonly stderr: string;
  /**
   * The `?token=` of the last mail logged for `to` (no SMTP_URL: the log mailer). Waits for the
   * line: the answer of the request that sent the mail can arrive before its log line does.
   */
  mailedToken(to: string): Promise<string>;
  /** SIGTERM (graceful drain), then the exit status. Removes the data folder it made. */
  stop(): Promise<ExitStatus>;
  /** SIGKILL: a crash, no drain. */
  kill(): Promise<ExitStatus>;
}

export interface ApiProcessOptions {
  /** DATA_DIR (the dev signing key lives there); a temporary folder when unset. */
  readonly dataDir?: string;
  /**
   * The worker process (src/bootstrap/worker.ts) instead of the API: `port` and `baseUrl` are then
   * its operations listener's (WORKER_ADMIN_PORT).
   */
  readonly worker?: boolean;
}

/**
 * Starts the API with `env` over a quiet default (test mode, loopback, a free port, info logs so
 * that mails can be read back) and resolves once /health answers 200. Rejects, with the
 * process's output, if it exits first.
 */
export async function startApiProcess(
  env: Record<string, string>,
  options: ApiProcessOptions = {},
): Promise<ApiProcess> {
  // Port 0 and the port the process says it bound ('listening'): a port picked here and handed
  // over could be taken by another test's process in between, whose /health would then answer
  // for this one. Only when the logs cannot say it (pretty or quieter than info) is one picked.
  const learnsPort =
    env[options.worker ? 'WORKER_ADMIN_PORT' : 'PORT'] === undefined &&
    env.LOG_FORMAT !== 'pretty' &&
    ['info', 'debug', 'trace', undefined].includes(env.LOG_LEVEL);
  const portVariable = options.worker ? 'WORKER_ADMIN_PORT' : 'PORT';
  const requestedPort = env[portVariable] ?? (learnsPort ? '0' : String(await freePort()));
  const ownDataDir =
    options.dataDir === undefined ? await mkdtemp(path.join(tmpdir(), 'teamflow-api-')) : undefined;
  const inherited: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) inherited[name] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', options.worker ? WORKER : MAIN], {
    cwd: ROOT,
    env: {
      ...inherited,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      [portVariable]: requestedPort,
      DATA_DIR: options.dataDir ?? ownDataDir!,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL'); // the test process died first
  process.once('exit', killOnExit);

  const logs: LogLine[] = [];
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        stderr += `${line}\n`;
      }
    }
    if (logs.length > KEPT_LINES) logs.splice(0, logs.length - KEPT_LINES);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  let exitCode: number | null = null;
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      exitCode = code ?? (signal ? 128 : 1);
      resolve({ code, signal });
    }),
  );
  const cleanUp = async (status: ExitStatus) => {
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
    return status;
  };

  let port = Number(requestedPort);
  if (learnsPort) {
    try {
      port = await boundPort(logs, () => exitCode !== null);
    } catch (error) {
      await cleanUp(await exited);
      throw new Error(`${(error as Error).message} (exit ${exitCode}):\n${stderr}`);
    }
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  const api: ApiProcess = {
    pid: child.pid!,
    port,
    baseUrl,
    http: client(baseUrl),
    get exitCode() {
      return exitCode;
    },
    exited,
    logs,
    get stderr() {
      return stderr;
    },
    async mailedToken(to) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const mail = logs.findLast((line) => (line.mail as { to?: string } | undefined)?.to === to)
          ?.mail as { text: string } | undefined;
        const token = mail && /\?token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
        if (token) return token;
        if (Date.now() > deadline) throw new Error(`no token mailed to ${to}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      if (exitCode === null) child.kill('SIGTERM');
      return cleanUp(await exited);
    },
    async kill() {
      if (exitCode === null) child.kill('SIGKILL');
      return cleanUp(await exited);
    },
  };

  try {
    await untilHealthy(baseUrl, () => api.exitCode !== null);
  } catch (error) {
    await cleanUp(await exited);
    throw new Error(`${(error as Error).message} (exit ${api.exitCode}):\n${stderr}`);
  }
  return api;
}

/** The port of the process's 'listening' log line, once it is written; throws if it exits first. */
async function boundPort(logs: readonly LogLine[], hasExited: () => boolean): Promise<number> {
  let port: number | undefined;
  await eventually(async () => {
    if (hasExited()) throw new Error('the API exited during start-up');
    const listening = logs.find((line) => line.msg === 'listening');
    port = typeof listening?.port === 'number' ? listening.port : undefined;
    return port !== undefined;
  }, Number.POSITIVE_INFINITY);
  return port!;
}

/**
 * Waits until `baseUrl`'s /health answers 200; throws as soon as `hasExited()` says the process
 * died. No budget of its own (a PGlite start takes seconds idle and near a minute on a loaded
 * machine): the test's timeout bounds it.
 */
export async function untilHealthy(baseUrl: string, hasExited: () => boolean): Promise<void> {
  await eventually(async () => {
    if (hasExited()) throw new Error('the API exited during start-up');
    const status = await fetch(`${baseUrl}/health`).then(
      (reply) => reply.status,
      () => 0,
    );
    return status === 200;
  }, Number.POSITIVE_INFINITY);
}

export interface ProcessUser {
  readonly email: string;
  readonly password: string;
  readonly accessToken: string;
}

/** Registers, verifies (the token read back from the mail log) and signs in a new user. */
export async function signUpThroughApi(api: ApiProcess): Promise<ProcessUser> {
  const email = `fault-${uniqueTag()}@example.com`;
  const password = 'correct-horse-battery';
  const registered = await api.http.post('/api/v1/auth/register', { email, password, name: 'F' });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
  const verified = await api.http.post('/api/v1/auth/verify-email', {
    token: await api.mailedToken(email),
  });
  if (verified.status !== 200) throw new Error(`verify-email answered ${verified.status}`);
  const login = await api.http.post('/api/v1/auth/login', { email, password });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  return { email, password, accessToken: login.body.data.access_token as string };
}
