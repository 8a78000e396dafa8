// Where the machine's CPU went while a load ran: the API's main thread (JavaScript, the event
// loop, socket writes), its other threads (the libuv pool — argon2id runs there — and V8's GC
// helpers), PostgreSQL's processes, Redis, everything else (the load generator above all), idle
// and steal, in cores, from /proc (Linux). The figures a limit is argued from.
import { readdir, readFile } from 'node:fs/promises';

/** Cores used on average over the measured interval, by whom. */
export interface CpuShare {
  readonly seconds: number;
  readonly cores: number;
  readonly apiMain: number;
  readonly apiThreads: number;
  readonly postgres: number;
  readonly redis: number;
  readonly other: number;
  readonly idle: number;
  readonly steal: number;
}

/** clock ticks per second of /proc's counters (USER_HZ: 100 on every Linux build that matters). */
const TICKS = 100;

interface Snapshot {
  readonly at: number;
  readonly busy: number;
  readonly idle: number;
  readonly steal: number;
  readonly apiMain: number;
  readonly apiThreads: number;
  readonly postgres: number;
  readonly redis: number;
}

/** utime + stime of a /proc stat line (fields 14 and 15; the command may hold spaces). */
function ticksOf(stat: string): { comm: string; ticks: number } {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return { comm: stat.slice(open + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
}

async function readOr(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined; // the process or thread ended between listing and reading
  }
}

async function snapshot(apiPid: number): Promise<Snapshot> {
  const cpu = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.split(/\s+/).slice(1);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    cpu.map(Number);
  let apiMain = 0;
  let apiThreads = 0;
  const threads = await readdir(`/proc/${apiPid}/task`).catch((): string[] => []);
  for (const tid of threads) {
    const stat = await readOr(`/proc/${apiPid}/task/${tid}/stat`);
    if (stat === undefined) continue;
    const { ticks } = ticksOf(stat);
    if (Number(tid) === apiPid) apiMain += ticks;
    else apiThreads += ticks;
  }
  let postgres = 0;
  let redis = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readOr(`/proc/${pid}/stat`);
    if (stat === undefined) continue;
    const { comm, ticks } = ticksOf(stat);
    if (comm.startsWith('postgres') || comm.startsWith('postmaster')) postgres += ticks;
    else if (comm.startsWith('redis-server')) redis += ticks;
  }
  return {
    at: performance.now(),
    busy: user + nice + system + irq + softirq,
    idle: idle + iowait,
    steal,
    apiMain,
    apiThreads,
    postgres,
    redis,
  };
}

/**
 * Starts counting; `stop()` gives the shares since. Processes that started or ended in between
 * (the load generator) land in `other`, which is busy time minus what is accounted for.
 */
export async function accountCpu(apiPid: number): Promise<{ stop(): Promise<CpuShare> }> {
  const before = await snapshot(apiPid);
  return {
    async stop() {
      const after = await snapshot(apiPid);
      const seconds = (after.at - before.at) / 1000;
      const cores = (ticks: number) => Math.max(0, ticks / TICKS / seconds);
      const busy = after.busy - before.busy;
      const apiMain = after.apiMain - before.apiMain;
      const apiThreads = after.apiThreads - before.apiThreads;
      const postgres = after.postgres - before.postgres;
      const redis = after.redis - before.redis;
      const round = (n: number) => Math.round(n * 100) / 100;
      return {
        seconds: round(seconds),
        cores: round(cores(busy + after.idle - before.idle + after.steal - before.steal) || 0),
        apiMain: round(cores(apiMain)),
        apiThreads: round(cores(apiThreads)),
        postgres: round(cores(postgres)),
        redis: round(cores(redis)),
        other: round(cores(busy - apiMain - apiThreads - postgres - redis)),
        idle: round(cores(after.idle - before.idle)),
        steal: round(cores(after.steal - before.steal)),
      };
    },
  };
}

/** The median of each share over repetitions. */
export function medianShare(shares: readonly CpuShare[]): CpuShare | undefined {
  if (shares.length === 0) return undefined;
  const mid = (key: keyof CpuShare) => {
    const sorted = shares.map((s) => s[key]).sort((a, b) => a - b);
    const half = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
  };
  return {
    seconds: mid('seconds'),
    cores: mid('cores'),
    apiMain: mid('apiMain'),
    apiThreads: mid('apiThreads'),
    postgres: mid('postgres'),
    redis: mid('redis'),
    other: mid('other'),
    idle: mid('idle'),
    steal: mid('steal'),
  };
}

/** One line: "main 0.62 · threads 1.10 · postgres 0.21 · redis 0.02 · other 0.05 · idle 0.00". */
export function formatShare(share: CpuShare): string {
  const f = (n: number) => n.toFixed(2);
  return [
    `main ${f(share.apiMain)}`,
    `threads ${f(share.apiThreads)}`,
    `postgres ${f(share.postgres)}`,
    `redis ${f(share.redis)}`,
    `other ${f(share.other)}`,
    `idle ${f(share.idle)}`,
    `steal ${f(share.steal)}`,
  ].join(' · ');
}
