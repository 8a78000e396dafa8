// What the event-driven scenarios share (bench/realtime.ts, bench/webhooks.ts): the production
// build started as a worker and API processes (WORKER_MODE=off) on the seeded PostgreSQL and on
// Redis, a member's login, and the cores every process used while the load ran (the services,
// PostgreSQL's and Redis's server processes, and the machine as a whole).
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { applicationUrl } from './database.js';
import { benchSigningKey } from './keys.js';
import { freePort, startService, type Service } from './processes.js';

export const benchDatabaseUrl =
  process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/teamflow_bench';
export const benchRedisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * The services' environment; WORKER_*, REALTIME_*, WEBHOOK_* and ANALYTICS_* of this process
 * pass through.
 */
export async function serviceEnvironment(tag: string): Promise<NodeJS.ProcessEnv> {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    JWT_PRIVATE_KEY: await benchSigningKey(),
    // Production requires one: a run's own, like its signing key.
    UNSUBSCRIBE_SECRET: randomBytes(32).toString('base64url'),
    MAIL_TRANSPORT: 'log',
    DATABASE_URL: applicationUrl(benchDatabaseUrl),
    REDIS_URL: benchRedisUrl,
    REDIS_KEY_PREFIX: `bench-${tag}-${process.pid}:`,
    RATE_LIMIT_PER_ADDRESS: '1000000000',
    RATE_LIMIT_PER_PRINCIPAL: '1000000000',
    LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP: '1000000',
    ...settingOverrides(),
  };
}

/**
 * The settings this run passes on to the services from its own environment, to try other values
 * with (`WORKER_NUDGE_DELAY_MS=… npx tsx bench/realtime.ts`); the results record them.
 */
export function settingOverrides(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && /^(WORKER|REALTIME|WEBHOOK|ANALYTICS)_/.test(entry[0]),
    ),
  );
}

const profiling = (dir: string | undefined) => (dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []);

/** The worker (dist/src/bootstrap/worker.js); `nodeArgs` go to node before the script. */
export async function startWorker(
  env: NodeJS.ProcessEnv,
  profileDir?: string,
  nodeArgs: readonly string[] = [],
): Promise<Service> {
  const port = await freePort();
  return startService({
    name: 'worker',
    args: [...nodeArgs, ...profiling(profileDir), 'dist/src/bootstrap/worker.js'],
    env: { ...env, WORKER_ADMIN_PORT: String(port) },
    port,
    readyPath: '/health/ready',
  });
}

export async function startApi(
  env: NodeJS.ProcessEnv,
  name: string,
  profileDir?: string,
): Promise<Service> {
  const port = await freePort();
  return startService({
    name,
    args: [
      '--max-old-space-size=256',
      '--max-semi-space-size=32',
      ...profiling(profileDir),
      'dist/src/bootstrap/main.js',
    ],
    env: { ...env, PORT: String(port), ADMIN_PORT: String(await freePort()), WORKER_MODE: 'off' },
    port,
    readyPath: '/health/ready',
  });
}

/** An access token of `email`. */
export async function login(api: Service, email: string, password: string): Promise<string> {
  const reply = await fetch(`${api.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!reply.ok) throw new Error(`login of ${email}: ${reply.status} ${await reply.text()}`);
  return ((await reply.json()) as { data: { access_token: string } }).data.access_token;
}

/** p50 and p99 of outbox_dispatch_lag_seconds, read off the worker's /metrics (bucket bounds). */
export async function dispatchLagOf(worker: Service): Promise<{ p50: number; p99: number }> {
  const text = await (await fetch(`${worker.url}/metrics`)).text();
  const buckets = [...text.matchAll(/^outbox_dispatch_lag_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)]
    .map(([, le, count]) => ({ le: Number(le), count: Number(count) }))
    .sort((a, b) => a.le - b.le);
  const all = buckets[buckets.length - 1]?.count ?? 0;
  const bound = (p: number) => {
    const hit = buckets.find((b) => b.count >= p * all);
    return hit === undefined || !Number.isFinite(hit.le) ? Number.POSITIVE_INFINITY : hit.le * 1000;
  };
  return { p50: bound(0.5), p99: bound(0.99) };
}

/** CPU seconds a process has used (user + system), from /proc. */
async function cpuSeconds(pid: number | 'self'): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

/** CPU seconds of every PostgreSQL and Redis server process, by process name and pid. */
async function serverCpuSeconds(): Promise<Record<string, Map<number, number>>> {
  const found: Record<string, Map<number, number>> = {};
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const name = (await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '')).trim();
    if (name !== 'postgres' && name !== 'redis-server') continue;
    const seconds = await cpuSeconds(Number(entry)).catch(() => undefined);
    if (seconds !== undefined) (found[name] ??= new Map()).set(Number(entry), seconds);
  }
  return found;
}

/** The machine's idle and total clock ticks, from /proc/stat. */
async function machineTicks(): Promise<{ idle: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  return { idle: ticks[3]! + ticks[4]!, total: ticks.reduce((a, b) => a + b, 0) };
}

export interface CoresUsed {
  /** Cores each named process used (the bench's own process as `client`). */
  readonly cores: Record<string, number>;
  /** The machine's share of busy time over all its cores: 1 is saturated. */
  readonly machine_busy: number;
}

/**
 * Starts counting the CPU of `services`, this process (as `client`), PostgreSQL and Redis;
 * the returned function stops and reports cores used over the interval.
 */
export async function meterCpu(
  services: Record<string, Service>,
): Promise<() => Promise<CoresUsed>> {
  const pids = [...Object.values(services).map((s) => s.pid), 'self' as const];
  const names = [...Object.keys(services), 'client'];
  const before = await Promise.all(pids.map(cpuSeconds));
  const serversBefore = await serverCpuSeconds();
  const machineBefore = await machineTicks();
  const started = performance.now();
  return async () => {
    const elapsed = (performance.now() - started) / 1000;
    const after = await Promise.all(pids.map(cpuSeconds));
    const serversAfter = await serverCpuSeconds();
    const machineAfter = await machineTicks();
    const round = (seconds: number) => Math.round((seconds / elapsed) * 100) / 100;
    const cores: Record<string, number> = {};
    names.forEach((name, i) => (cores[name] = round(after[i]! - before[i]!)));
    for (const [server, name] of [
      ['postgres', 'postgres'],
      ['redis-server', 'redis'],
    ] as const) {
      let seconds = 0;
      for (const [pid, used] of serversAfter[server] ?? new Map<number, number>()) {
        seconds += used - (serversBefore[server]?.get(pid) ?? 0);
      }
      cores[name] = round(seconds);
    }
    const idle = machineAfter.idle - machineBefore.idle;
    const busy = 1 - idle / (machineAfter.total - machineBefore.total);
    return { cores, machine_busy: Math.round(busy * 100) / 100 };
  };
}
