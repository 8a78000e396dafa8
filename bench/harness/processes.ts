// The processes a benchmark run starts: the server under test (or the bare Koa baseline), the
// load generator, pgbench. Each is started here, watched (RSS from /proc), and stopped by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export interface Service {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** What it wrote to stderr/stdout (last 64 KB), for the report when it fails. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node <args>` with `env`, and waits until GET `readyPath` answers 200. The process is
 * node itself (no shell in between), so its pid is the one to sample and to signal.
 */
export async function startService(options: {
  name: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  port: number;
  readyPath: string;
  timeoutMs?: number;
}): Promise<Service> {
  const child = spawn(process.execPath, options.args, {
    cwd: ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-65_536);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${options.name} exited with ${child.exitCode} before it was ready:\n${log}`);
    }
    try {
      const response = await fetch(`${url}${options.readyPath}`);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} was not ready within the timeout:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name: options.name,
    url,
    pid: child.pid!,
    output: () => log,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process in bytes (VmRSS), or undefined once it is gone. */
export async function rssOf(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; resolves with the largest value seen. */
export function sampleRss(pid: number, everyMs = 200): { stop(): Promise<number> } {
  let max = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rss = await rssOf(pid);
      if (rss !== undefined && rss > max) max = rss;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const last = await rssOf(pid);
      return Math.max(max, last ?? 0);
    },
  };
}

/** Runs a command to its end; rejects on a non-zero exit with its output. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(new Error(`${command} ended with ${code ?? signal}: ${stderr.trim().slice(-4000)}`));
    });
  });
}

/** The bare Koa hello-world (bench/baseline/koa-hello.ts): the ceiling a scenario is read against. */
export async function startKoaHello(): Promise<Service> {
  const port = await freePort();
  return startService({
    name: 'koa-hello',
    args: ['--import', 'tsx', 'bench/baseline/koa-hello.ts'],
    env: { ...process.env, PORT: String(port) },
    port,
    readyPath: '/',
  });
}
