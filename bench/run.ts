// The HTTP benchmark of issue 5: the production build against real PostgreSQL and Redis (or, with
// --embedded, PGlite and the memory adapters, as a separate labelled run), driven by autocannon
// from processes of their own on loopback, with a warm-up, repetitions and medians; and, in the
// same run on the same machine, the ceilings the scenarios are held against — a bare Koa
// hello-world, and pgbench replaying the exact SQL the API sends for scenarios 1 and 3.
//
//   npm run bench                            # build, then everything (~12 min on 2 cores)
//   npm run bench -- --quick                 # smoke: 1 repetition of 3 s each
//   npm run bench -- --only 1,1d,3 --duration 20
//   npm run bench -- --embedded              # the embedded default (PGlite + memory)
//
// Scenarios: 1 list (first page), 1d the page 500,000 rows deep, 2 read by key, 3 create, 4 move,
// 5 search, 6 label + assignee filter, 7 login, 7+2 read-by-key while logins run at 80/s,
// 8 mixed 80 % read / 20 % write at a fixed rate (60 % of scenario 1's throughput).
// Prints a Markdown table and writes bench/results/<timestamp>.json. Reads DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/teamflow_bench; seeded by bench/seed.ts first if it is not)
// and REDIS_URL (default redis://127.0.0.1:6379).
import { randomBytes } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../src/adapters/postgres/connect.js';
import { migrateToLatest } from '../src/adapters/postgres/migrator.js';
import { openRequestCapture, type CapturedRequest, type SentStatement } from './harness/capture.js';
import { accountCpu, formatShare, medianShare, type CpuShare } from './harness/cpu.js';
import { applicationUrl, ensureDatabase } from './harness/database.js';
import { seedEmbedded } from './harness/embedded.js';
import { postgresFixture, readSeedSummary, SEED_FILE } from './harness/fixture.js';
import { benchSigningKey } from './harness/keys.js';
import type { LoadResult, LoadSpec, RequestPlan } from './harness/load-spec.js';
import { runLoad } from './harness/load.js';
import {
  pgbenchScript,
  runPgbench,
  settingsBefore,
  withSettings,
  type PgbenchScript,
} from './harness/pgbench.js';
import {
  freePort,
  ROOT,
  sampleRss,
  startKoaHello,
  startService,
  type Service,
} from './harness/processes.js';
import { formatTable, median, summarize, type Row, type Summary } from './harness/report.js';
import { API, MARKER, scenarios, type Fixture, type Scenario } from './harness/scenarios.js';
import { startWorker } from './harness/services.js';

/** The heap flags production runs with (Dockerfile CMD, `npm start`). */
const HEAP_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=32'];
const ALL = ['1', '1d', '2', '3', '4', '5', '6', '7', '7+2', '8'] as const;
/** Login rate of the combined scenario, and the target of scenario 7 (logins/s). */
const LOGIN_RATE = 80;
/** Loads the build without the event append and the commit's nudge: what the outbox costs. */
const WITHOUT_OUTBOX_HOOK = ['--import', './bench/harness/without-outbox.mjs'];
/** Scenario 8 runs at this share of scenario 1's throughput. */
const MIXED_SHARE = 0.6;
const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Options

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    reps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    'mixed-duration': { type: 'string', default: '60' },
    'mixed-rate': { type: 'string' },
    only: { type: 'string' },
    embedded: { type: 'boolean', default: false },
    'embedded-tasks': { type: 'string', default: '10000' },
    quick: { type: 'boolean', default: false },
    search: { type: 'string', default: 'login timeout' },
    'no-ceilings': { type: 'boolean', default: false },
    profile: { type: 'string' },
    'autocannon-rate': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'without-outbox': { type: 'boolean', default: false },
    'separate-worker': { type: 'boolean', default: false },
    'no-worker': { type: 'boolean', default: false },
    alternate: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(
    [
      'npm run bench -- [options]',
      '  --duration S        seconds per repetition (10; --quick: 3)',
      '  --connections N     autocannon connections = pgbench clients (64)',
      '  --reps N            repetitions, medians reported (3; --quick: 1)',
      '  --warmup S          warm-up seconds before each scenario (3; --quick: 1)',
      '  --mixed-duration S  seconds per repetition of scenario 8 (60; --quick: 10)',
      "  --mixed-rate R      scenario 8's rate in req/s instead of 60 % of scenario 1's (for A/B runs)",
      `  --only LIST         scenarios to run, of ${ALL.join(',')} (ceilings they need run too)`,
      '  --embedded          separate run on the embedded default (PGlite + memory)',
      '  --embedded-tasks N  tasks seeded for --embedded (10000)',
      '  --search Q          the search words of scenario 5 ("login timeout")',
      '  --no-ceilings       skip the Koa and pgbench ceilings',
      "  --autocannon-rate   keep fixed rates (8, the logins of 7+2) with autocannon's -R (each",
      '                      connection bursts its share at the start of every second) instead',
      '                      of one request every 1/rate s, latency from when each was due',
      '  --profile DIR       write a V8 CPU profile of the API server (and the --separate-worker) into DIR;',
      '                      with --only X, of scenario X (read it with bench/profile.ts)',
      '  --keep              keep the tasks the run created (removed by default)',
      "  --without-outbox    the server without the event append and the commit's nudge",
      '                      (bench/harness/without-outbox.mjs): the A/B of what the outbox costs',
      '  --separate-worker   the worker in a process of its own (WORKER_MODE=off in the API), as',
      '                      production runs it, instead of inside the API (the default)',
      '  --no-worker         no worker at all (WORKER_MODE=off, none started): events are written',
      "                      and nobody reads them, the write path's share of the outbox alone",
      '  --alternate N       with --only 3: what the outbox costs a create, from one run: the',
      '                      build and the build without the outbox (as --without-outbox) served',
      '                      side by side and loaded in turn, N rounds of one repetition each',
      "                      (the order swapped each round); the median of the rounds' ratios.",
      '                      With --separate-worker, both servers leave the events to one worker',
      '                      process; with --no-worker, to none',
      '  --quick             smoke run: 1 repetition, 3 s, 1 s warm-up',
    ].join('\n'),
  );
  process.exit(0);
}

function count(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number ≥ ${min}`);
    process.exit(2);
  }
  return n;
}
const given = (name: string) =>
  process.argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const options = {
  durationSeconds: count('duration', flags.quick && !given('duration') ? '3' : flags.duration, 1),
  connections: count('connections', flags.connections, 1),
  reps: count('reps', flags.quick && !given('reps') ? '1' : flags.reps, 1),
  warmupSeconds: count('warmup', flags.quick && !given('warmup') ? '1' : flags.warmup, 0),
  mixedSeconds: count(
    'mixed-duration',
    flags.quick && !given('mixed-duration') ? '10' : flags['mixed-duration'],
    1,
  ),
  mixedRate:
    flags['mixed-rate'] === undefined ? undefined : count('mixed-rate', flags['mixed-rate'], 1),
  embedded: flags.embedded,
  embeddedTasks: count('embedded-tasks', flags['embedded-tasks'], 100),
  quick: flags.quick,
  search: flags.search,
  ceilings: !flags['no-ceilings'],
  pacing: flags['autocannon-rate'] ? ('autocannon' as const) : ('even' as const),
  profileDir: flags.profile === undefined ? undefined : path.resolve(flags.profile),
  keep: flags.keep,
  alternate: flags.alternate === undefined ? undefined : count('alternate', flags.alternate, 1),
};
const only = flags.only?.split(',').map((s) => s.trim()) ?? [...ALL];
for (const id of only) {
  if (!(ALL as readonly string[]).includes(id)) {
    console.error(`--only: unknown scenario "${id}" (known: ${ALL.join(', ')})`);
    process.exit(2);
  }
}
if (
  options.alternate !== undefined &&
  (only.join() !== '3' ||
    options.embedded ||
    flags['without-outbox'] ||
    options.profileDir !== undefined)
) {
  console.error(
    '--alternate runs scenario 3 alone (--only 3) on PostgreSQL: ' +
      'not with --embedded, --without-outbox or --profile',
  );
  process.exit(2);
}
/** What runs: the chosen scenarios and those their numbers are taken against. */
const selected = new Set<string>(only);
if (selected.has('1d') || selected.has('8')) selected.add('1');
if (selected.has('7+2')) selected.add('2');

const startedAt = new Date();
const runId = startedAt.getTime().toString(36);
const log = (message: string) =>
  process.stderr.write(
    `[${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)} s] ${message}\n`,
  );

// ---------------------------------------------------------------------------------------------
// Load generation (a process of its own per run)

const workDir = await mkdtemp(path.join(os.tmpdir(), 'teamflow-bench-'));

const load = (spec: LoadSpec): Promise<LoadResult> => runLoad(spec, workDir);

interface Measured {
  readonly reps: LoadResult[];
  readonly summary: Summary;
  readonly rssMaxBytes?: number;
  /** Where the machine's CPU went during each repetition (cores), and their median. */
  readonly cpu?: { readonly reps: CpuShare[]; readonly median: CpuShare | undefined };
}

/**
 * Runs a load while counting where the CPU goes, from a second after it starts (the load
 * process's own start-up is not the load) to its end.
 */
async function loadCounted(
  spec: LoadSpec,
  apiPid: number,
  delayMs = 1000,
): Promise<{ result: LoadResult; cpu: CpuShare }> {
  const counting = new Promise((r) => setTimeout(r, delayMs)).then(() => accountCpu(apiPid));
  const result = await load(spec);
  return { result, cpu: await (await counting).stop() };
}

/** Warm-up, then the repetitions, sampling the server's RSS during each. */
async function measure(
  target: Service,
  plan: () => Promise<RequestPlan>,
  extra: { rate?: number; durationSeconds?: number; reps?: number } = {},
): Promise<Measured> {
  const spec = async (durationSeconds: number): Promise<LoadSpec> => ({
    url: target.url,
    connections: options.connections,
    durationSeconds,
    rate: extra.rate,
    pacing: options.pacing,
    timeoutSeconds: 10,
    plan: await plan(),
  });
  if (options.warmupSeconds > 0) await load(await spec(options.warmupSeconds));
  const reps: LoadResult[] = [];
  const cpu: CpuShare[] = [];
  let rssMax = 0;
  for (let i = 0; i < (extra.reps ?? options.reps); i += 1) {
    const rss = sampleRss(target.pid);
    const counted = await loadCounted(
      await spec(extra.durationSeconds ?? options.durationSeconds),
      target.pid,
    );
    reps.push(counted.result);
    cpu.push(counted.cpu);
    rssMax = Math.max(rssMax, await rss.stop());
  }
  return {
    reps,
    summary: summarize(reps),
    rssMaxBytes: rssMax,
    cpu: { reps: cpu, median: medianShare(cpu) },
  };
}

/** Where the CPU went per scenario, as a Markdown table (cores, medians of the repetitions). */
function formatCpuTable(
  entries: readonly (readonly [string, CpuShare | undefined])[],
  cpus: number,
): string {
  const f = (n: number) => n.toFixed(2);
  const lines = [
    `Where the CPU went during each scenario (cores of ${cpus}, from /proc; medians): the API's main ` +
      "thread, its other threads (libuv pool — argon2id — and V8's GC helpers), PostgreSQL, Redis, " +
      'everything else (the load generator), idle, and steal (taken by the hypervisor).',
    '',
    '| scenario | API main | API threads | PostgreSQL | Redis | other | idle | steal |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [name, share] of entries) {
    if (!share) continue;
    lines.push(
      `| ${name} | ${f(share.apiMain)} | ${f(share.apiThreads)} | ${f(share.postgres)} | ` +
        `${f(share.redis)} | ${f(share.other)} | ${f(share.idle)} | ${f(share.steal)} |`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The server under test

const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/teamflow_bench';
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

const withoutPassword = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

async function serverEnv(port: number, dataDir?: string): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    JWT_PRIVATE_KEY: await benchSigningKey(),
    // Production requires one: a run's own, like its signing key.
    UNSUBSCRIBE_SECRET: randomBytes(32).toString('base64url'),
    // Failed logins are throttled per email and IP; the benchmark signs in thousands of times
    // from one IP, so the throttle is raised: scenario 7 measures argon2, not the limiter.
    // The embedded seed registers its people from no address: the mail throttle is raised too.
    LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP: '1000000',
    LOGIN_MAX_FAILURES_PER_IP: '1000000',
    LOGIN_MAX_FAILURES_PER_EMAIL_PER_MINUTE: '1000000',
    AUTH_MAIL_MAX_PER_IP: '1000000',
    // All load comes from one address and a few users: the general limits stay on (their cost is
    // measured) but far above any rate the benchmark sends.
    RATE_LIMIT_PER_ADDRESS: '1000000000',
    RATE_LIMIT_PER_PRINCIPAL: '1000000000',
    // Production refuses to start without SMTP_URL unless the log mailer is asked for by name.
    MAIL_TRANSPORT: 'log',
  };
  if (dataDir === undefined) {
    env.DATABASE_URL = applicationUrl(databaseUrl);
    env.REDIS_URL = redisUrl;
  } else {
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    env.DATA_DIR = dataDir;
    // Production refuses the embedded database (one throw-away database per pod): the embedded
    // run is a development setup, measured as one.
    env.NODE_ENV = 'development';
    env.CACHE_STORE = 'memory';
  }
  return env;
}

/**
 * Waits until the server has worked off what the last load left queued (requests still waiting
 * for a database connection after autocannon stopped): readiness, which pings the database
 * through the pool, answers quickly again. Gives up after a minute.
 */
async function settle(base: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const t0 = performance.now();
    const ok = await fetch(`${base}/health/ready`)
      .then(async (r) => (await r.arrayBuffer(), r.ok))
      .catch(() => false);
    if (ok && performance.now() - t0 < 250) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  log('the server did not settle within 60 s; going on');
}

async function signIn(base: string, email: string, password: string): Promise<string> {
  await settle(base);
  let last = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const response = await fetch(`${base}${API}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const body = (await response.json()) as any;
    if (response.status === 200) return body.data.access_token as string;
    last = `${response.status} ${JSON.stringify(body)}`;
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(`login of ${email}: ${last}`);
}

// ---------------------------------------------------------------------------------------------
// Database: seed, owner connection, removal of what runs create

async function seedIfNeeded(): Promise<void> {
  await ensureDatabase(databaseUrl);
  return new Promise((resolve, reject) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    const check = async () => {
      await client.connect();
      try {
        const { rows } = await client.query<{ ok: boolean }>(
          "SELECT to_regclass('bench_seed') IS NOT NULL AS ok",
        );
        if (!rows[0]!.ok) return false;
        const seeded = await client.query('SELECT 1 FROM bench_seed');
        return seeded.rowCount === 1;
      } finally {
        await client.end();
      }
    };
    check()
      .then((seeded) => {
        if (seeded && existsSync(SEED_FILE)) return resolve();
        log(
          seeded
            ? 'bench/.seed.json missing: bench/seed.ts rewrites it'
            : 'database not seeded: running bench/seed.ts (default sizes)',
        );
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', path.join(ROOT, 'bench', 'seed.ts')],
          {
            cwd: ROOT,
            env: { ...process.env, DATABASE_URL: databaseUrl },
            stdio: 'inherit',
          },
        );
        child.once('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`bench/seed.ts ended with ${code}`)),
        );
      })
      .catch(reject);
  });
}

/**
 * Applies the migrations a database seeded by an earlier commit lacks, as its owner: the server
 * applies none itself on PostgreSQL (`npm run migrate` does, as in production).
 */
async function migrateBenchDatabase(): Promise<void> {
  const handle = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 1 });
  try {
    const applied = await migrateToLatest(handle.db);
    if (applied.length > 0)
      log(`applied the migrations the seeded database lacked: ${applied.join(', ')}`);
  } finally {
    await handle.close();
  }
}

/**
 * Deletes the tasks benchmark runs created (titles starting with the marker) with the rows that
 * reference them, and their idempotency keys. As the owner; the audit log keeps its entries.
 */
async function removeCreated(owner: pg.Client, organizationId: string): Promise<number> {
  await owner.query('BEGIN');
  try {
    await owner.query(
      `CREATE TEMP TABLE bench_doomed ON COMMIT DROP AS
       SELECT organization_id, id FROM tasks WHERE organization_id = $1 AND title LIKE $2`,
      [organizationId, `${MARKER}-%`],
    );
    const { rows: references } = await owner.query<{ tbl: string; cols: string[] }>(
      `SELECT c.conrelid::regclass::text AS tbl,
              array_agg(a.attname::text ORDER BY k.ord) AS cols
       FROM pg_constraint AS c
       CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k (attnum, ord)
       JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
       WHERE c.contype = 'f' AND c.confrelid = 'tasks'::regclass AND c.conrelid <> 'tasks'::regclass
       GROUP BY c.oid, c.conrelid`,
    );
    for (const ref of references) {
      const columns = ref.cols.map((c) => `"${c}"`).join(', ');
      await owner.query(
        `DELETE FROM ${ref.tbl} WHERE (${columns}) IN (SELECT organization_id, id FROM bench_doomed)`,
      );
    }
    const deleted = await owner.query(
      'DELETE FROM tasks WHERE (organization_id, id) IN (SELECT organization_id, id FROM bench_doomed)',
    );
    await owner.query('DELETE FROM idempotency_keys WHERE organization_id = $1 AND key LIKE $2', [
      organizationId,
      `${MARKER}-%`,
    ]);
    await owner.query('COMMIT');
    return deleted.rowCount ?? 0;
  } catch (error) {
    await owner.query('ROLLBACK');
    throw error;
  }
}

/** Completed idempotency keys kept across the organizations: a day's worth, as in production. */
const STEADY_IDEMPOTENCY_KEYS = 50_000;

/**
 * Keeps STEADY_IDEMPOTENCY_KEYS completed keys spread over every organization (the one the runs
 * create in too), expiring a day on; a run's cleanup removes only the keys it sent. A production
 * table holds the last day's keys. Emptied by the cleanup, VACUUM truncated it to no pages, and
 * this machine runs no autovacuum, so nothing analyzed it again while a run filled it: each
 * statement on it kept the plan made for an empty table (a sequential scan; or, for the claim's
 * completion, the expiry index read over all the organization's keys, as PostgreSQL took the
 * organization for one with none), and a create got slower with every key the run added (226 →
 * 122 req/s over a minute). As the owner (row-level security aside); renewed when half a day is
 * left.
 */
async function keepSteadyIdempotencyKeys(owner: pg.Client): Promise<void> {
  await owner.query(
    `INSERT INTO idempotency_keys (organization_id, key, request_hash, state, claim_id,
       response_status, response_headers, response_body, created_at, expires_at)
     SELECT o.id, 'steady-' || n, md5(n::text), 'completed', gen_random_uuid(), 201, '{}',
       repeat('x', 400), now(), now() + interval '1 day'
     FROM (SELECT id, count(*) OVER () AS orgs FROM organizations) o
     CROSS JOIN LATERAL generate_series(1, ($1::int / o.orgs)::int) n
     ON CONFLICT (organization_id, key) DO UPDATE SET expires_at = excluded.expires_at
     WHERE idempotency_keys.expires_at < now() + interval '12 hours'`,
    [STEADY_IDEMPOTENCY_KEYS],
  );
}

// ---------------------------------------------------------------------------------------------
// Ceilings: the SQL of scenarios 1 and 3, recorded from the application itself

interface Ceiling {
  readonly name: string;
  readonly description: string;
  readonly tps?: number;
  readonly latencyAverageMs?: number;
  readonly reps?: readonly unknown[];
  readonly script?: string;
  readonly notes?: readonly string[];
  readonly error?: string;
}

/** Splits recorded statements into transactions (BEGIN … COMMIT) and loose statements. */
function transactions(statements: readonly SentStatement[]): SentStatement[][] {
  const groups: SentStatement[][] = [];
  let open: SentStatement[] | undefined;
  for (const statement of statements) {
    const head = statement.text.trim().toLowerCase();
    // A pipelined transaction's BEGIN rides ahead of its first statement.
    const first = (statement.ahead?.[0]?.text ?? statement.text).trim().toLowerCase();
    if (open === undefined) {
      if (first.startsWith('begin')) {
        open = [statement];
        groups.push(open);
      } else {
        groups.push([statement]);
      }
    } else {
      open.push(statement);
      if (head.startsWith('commit') || head.startsWith('rollback')) open = undefined;
    }
  }
  return groups;
}

/** The session settings that stand for a one-trip read's scope statement (see READ_SCOPE_SQL). */
function scopeSettings(scope: readonly unknown[]): Record<string, string> {
  const [organizationId, userId] = scope.map(String);
  return {
    ...(organizationId && { 'app.organization_id': organizationId }),
    ...(userId && { 'app.user_id': userId }),
  };
}

const touchesTasks = (s: SentStatement, verb: 'select' | 'insert') =>
  verb === 'select'
    ? /^\s*select\b/i.test(s.text) && /\bfrom\s+"?tasks"?\b/i.test(s.text)
    : // The create is one statement: the project's counter, then the INSERT, in CTEs.
      /\binsert\s+into\s+"?tasks"?\s/i.test(s.text);

async function recordScripts(
  env: NodeJS.ProcessEnv,
  fixture: Fixture,
  wanted: { list: boolean; create: boolean },
): Promise<{ scripts: PgbenchScript[]; recorded: Record<string, CapturedRequest> }> {
  const capture = await openRequestCapture({ ...env, PORT: '0' });
  const scripts: PgbenchScript[] = [];
  const recorded: Record<string, CapturedRequest> = {};
  try {
    const login = await capture.send('POST', `${API}/auth/login`, {
      body: { email: fixture.member.email, password: fixture.password },
    });
    if (login.status !== 200) throw new Error(`capture login: ${login.status}`);
    const auth = { authorization: `Bearer ${login.body.data.access_token}` };
    const org = `${API}/organizations/${fixture.organization.slug}`;
    if (wanted.list) {
      const path = `${org}/projects/${fixture.project.key}/tasks?limit=50`;
      await capture.send('GET', path, { headers: auth }); // caches warm, as under load
      const list = await capture.send('GET', path, { headers: auth });
      if (list.status !== 200) throw new Error(`capture list: ${list.status}`);
      recorded.list = list;
      const main = list.statements.findLast((s) => touchesTasks(s, 'select'));
      if (!main) throw new Error('capture list: no SELECT from tasks recorded');
      const scope = transactions(list.statements).find((g) => g.includes(main)) ?? [];
      const settings = main.scope ? scopeSettings(main.scope) : settingsBefore(scope, main);
      await assertSameRows(main, settings);
      // The query alone: no scope statement ahead of it (the settings stand in for it).
      const { scope: _scope, ...lone } = main;
      scripts.push(
        pgbenchScript('list-query', [lone], { settings }),
        pgbenchScript('list-query-prepared', [lone], { settings, protocol: 'prepared' }),
        pgbenchScript('list-as-sent', list.statements),
      );
    }
    if (wanted.create) {
      const path = `${org}/projects/${fixture.createProject.key}/tasks`;
      const send = (n: number) => {
        const key = `${MARKER}-${runId}-capture-${n}`;
        return capture
          .send('POST', path, {
            headers: { ...auth, 'idempotency-key': key },
            body: { priority: 'medium', title: `${MARKER}-${runId} captured task ${n}` },
          })
          .then((r) => ({ ...r, key }));
      };
      await send(1);
      const create = await send(2);
      if (create.status !== 201) throw new Error(`capture create: ${create.status}`);
      recorded.create = create;
      const generatedIds = new Set(create.generatedIds);
      const groups = transactions(create.statements);
      const index = groups.findIndex((g) => g.some((s) => touchesTasks(s, 'insert')));
      if (index < 0) throw new Error('capture create: no INSERT INTO tasks recorded');
      const fresh = new Map([[create.key, `'${MARKER}-pgbench-' || gen_random_uuid()::text`]]);
      scripts.push(
        pgbenchScript('create-transaction', groups[index]!, { generatedIds }),
        pgbenchScript('create-as-sent', create.statements, { generatedIds, freshText: fresh }),
      );
    }
  } finally {
    await capture.close();
  }
  return { scripts, recorded };
}

/**
 * The lone query, run the way pgbench will run it (application role, the scope as session
 * settings), must see the rows the application saw; else its ceiling would measure something else
 * (row-level security answering nothing, say).
 */
async function assertSameRows(statement: SentStatement, settings: Record<string, string>) {
  const client = new pg.Client({
    connectionString: withSettings(applicationUrl(databaseUrl), settings),
  });
  await client.connect();
  try {
    const result = await client.query(statement.text, [...statement.values]);
    if (result.rowCount !== statement.rowCount) {
      throw new Error(
        `the list query alone returns ${result.rowCount} rows, the application got ` +
          `${statement.rowCount}: its pgbench ceiling would not measure the same work`,
      );
    }
  } finally {
    await client.end();
  }
}

const CEILING_DESCRIPTIONS: Record<string, string> = {
  'koa-hello': 'bare Koa hello-world JSON (same autocannon settings)',
  'list-query': 'pgbench: the list SELECT of scenario 1 alone',
  'list-query-prepared':
    'pgbench: the list SELECT alone, -M prepared (planned once per connection, as the API does)',
  'list-as-sent':
    'pgbench: every statement scenario 1 sends (scope + list in one pipeline), -M extended',
  'create-transaction': 'pgbench: the createTask transaction of scenario 3',
  'create-as-sent': 'pgbench: every statement scenario 3 sends (idempotency claim and store too)',
};

async function pgbenchCeiling(script: PgbenchScript): Promise<Ceiling> {
  const run = (durationSeconds: number) =>
    runPgbench(script, {
      databaseUrl: applicationUrl(databaseUrl),
      connections: options.connections,
      threads: 2,
      durationSeconds,
    });
  try {
    if (options.warmupSeconds > 0) await run(Math.max(1, Math.round(options.warmupSeconds)));
    const reps = [];
    for (let i = 0; i < options.reps; i += 1) reps.push(await run(options.durationSeconds));
    return {
      name: script.name,
      description: CEILING_DESCRIPTIONS[script.name] ?? script.name,
      tps: median(reps.map((r) => r.tps)),
      latencyAverageMs: median(reps.map((r) => r.latencyAverageMs)),
      reps,
      script: script.text,
      notes: script.notes,
    };
  } catch (error) {
    return {
      name: script.name,
      description: CEILING_DESCRIPTIONS[script.name] ?? script.name,
      script: script.text,
      notes: script.notes,
      error: distinctLines(error instanceof Error ? error.message : String(error)),
    };
  }
}

/** pgbench repeats an error once per client: the distinct lines, client numbers left out. */
function distinctLines(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/client \d+/g, 'client N').trim());
  return [...new Set(lines.filter((l) => l !== ''))].slice(0, 6).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Machine

function machine(postgres: string | undefined) {
  const cpus = os.cpus();
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  };
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres,
    git: {
      commit: git(['rev-parse', 'HEAD']),
      dirty: (git(['status', '--porcelain', 'src']) ?? '') !== '',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The run

const notes: string[] = [
  'Failed-login throttle raised for the benchmark server (LOGIN_MAX_FAILURES_*=1000000): ' +
    'scenario 7 measures argon2id, not the limiter. Successful logins are not throttled anyway. ' +
    'The general limits (RATE_LIMIT_PER_ADDRESS/PRINCIPAL) are on, raised to 1e9 per window.',
  'Latencies are of 2xx answers (autocannon, 1 ms resolution); requests still in flight when a ' +
    'repetition ends are not counted; errors are socket errors and timeouts (10 s); non-2xx ' +
    'are counted apart.',
  options.pacing === 'even'
    ? 'Fixed rates (scenario 8, the logins of 7+2) are kept evenly, open loop: one request every ' +
      '1/rate s over up to 64 keep-alive connections, each latency counted from when the request ' +
      'was due (as wrk2 does), in-flight requests waited for at the end; the req/s reported is the ' +
      'answers over that whole time, so a server that falls behind shows below the rate. ' +
      "autocannon's -R instead " +
      'lets every connection send its share of each second back to back as the second starts ' +
      '(bursts of 64 at once, then silence); --autocannon-rate measures that way.'
    : "Fixed rates (scenario 8, the logins of 7+2) are kept by autocannon's -R (--autocannon-rate): " +
      'each connection sends its share of every second back to back as the second starts.',
];
const rows: Row[] = [];
const results: Record<string, unknown> = {};
const ceilings: Record<string, Ceiling> = {};
let owner: pg.Client | undefined;
let server: Service | undefined;
/** The worker's process, with --separate-worker. */
let worker: Service | undefined;
let fixture: Fixture | undefined;
let dataDir: string | undefined;
let postgresVersion: string | undefined;
let env: NodeJS.ProcessEnv;
let scripts: PgbenchScript[] = [];

try {
  if (options.embedded) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'teamflow-bench-embedded-'));
    env = await serverEnv(await freePort(), dataDir);
    log(
      `embedded run: seeding ${options.embeddedTasks.toLocaleString('en')} tasks into ${dataDir}`,
    );
    fixture = await seedEmbedded(env, options.embeddedTasks, options.search, log);
    postgresVersion = 'PGlite (embedded)';
  } else {
    await seedIfNeeded();
    await migrateBenchDatabase();
    owner = new pg.Client({ connectionString: databaseUrl });
    await owner.connect();
    postgresVersion = (await owner.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v;
    const seed = await readSeedSummary();
    const leftovers = await removeCreated(owner, seed.big!.id);
    if (leftovers > 0) log(`removed ${leftovers} tasks left by an earlier run`);
    await keepSteadyIdempotencyKeys(owner);
    // Earlier runs leave dead rows where this one reads (moved tasks, removed creations at the top
    // of the first page, spent idempotency keys and sessions) — under autovacuum's threshold on a
    // 2 M-row table, and enough to slow the first page several times over. Every run starts clean.
    const vacuumStarted = Date.now();
    await owner.query(
      'VACUUM (ANALYZE) tasks, task_labels, task_history, task_watchers, idempotency_keys, ' +
        'sessions, refresh_tokens, projects, audit_log',
    );
    log(
      `vacuumed the tables runs write to in ${((Date.now() - vacuumStarted) / 1000).toFixed(1)} s`,
    );
    log('fixture: deep cursor, movable tasks, columns');
    fixture = await postgresFixture(owner, seed, options.search);
    env = await serverEnv(await freePort());
    notes.push(
      'The API and pgbench connect with options=-c role=teamflow_app in DATABASE_URL, so their ' +
        'sessions work as the application role (row-level security applies), as README describes.',
    );
    const wanted = {
      list: options.ceilings && selected.has('1'),
      create: options.ceilings && selected.has('3'),
    };
    if (wanted.list || wanted.create) {
      log('recording the SQL of scenarios 1 and 3 (the application in-process, recording pool)');
      const recordedScripts = await recordScripts(env, fixture, wanted);
      scripts = recordedScripts.scripts;
    }
  }

  const label = options.embedded ? 'embedded (PGlite + memory)' : 'PostgreSQL + Redis';
  log(`starting the production build (${label})`);
  // The A/B switch of what the outbox costs: the same build, loaded without the event append.
  const outboxHook = flags['without-outbox'] ? WITHOUT_OUTBOX_HOOK : [];
  if (flags['no-worker'] || flags['separate-worker']) {
    if (options.embedded)
      throw new Error('--no-worker and --separate-worker need PostgreSQL and Redis');
    env = { ...env, WORKER_MODE: 'off' };
    if (flags['separate-worker'])
      worker = await startWorker(env, options.profileDir, [...HEAP_FLAGS, ...outboxHook]);
  }
  server = await startService({
    name: 'teamflow',
    // As the Dockerfile and `npm start` run it (the old-space cap is what keeps RSS in bounds).
    args: [
      ...HEAP_FLAGS,
      ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
      ...outboxHook,
      'dist/src/bootstrap/main.js',
    ],
    env,
    port: Number(env.PORT),
    readyPath: '/health/ready',
  });
  const rssIdle = (await sampleRss(server.pid).stop()) / MB;
  const all = new Map(scenarios(fixture, runId).map((s) => [s.id, s]));
  const api = server;
  const member = fixture.member;
  const password = fixture.password;
  const withToken = (scenario: Scenario) => async () =>
    scenario.plan(await signIn(api.url, member.email, password));

  const measured: Record<string, Measured & { name: string; rate?: number; capacity?: Measured }> =
    {};
  const failed: Record<string, string> = {};

  /** Scenario 2 while logins run at LOGIN_RATE/s, each load from its own process. */
  async function readsDuringLogins(): Promise<Measured & { name: string }> {
    const read = all.get('2')!;
    const login = all.get('7')!;
    const reps: LoadResult[] = [];
    const logins: LoadResult[] = [];
    const cpu: CpuShare[] = [];
    let rssMax = 0;
    for (let i = 0; i < options.reps; i += 1) {
      const readPlan = await withToken(read)();
      const rss = sampleRss(api.pid);
      const [loginResult, readResult] = await Promise.all([
        load({
          url: api.url,
          connections: Math.min(options.connections, LOGIN_RATE),
          durationSeconds: options.durationSeconds + 2,
          rate: LOGIN_RATE,
          pacing: options.pacing,
          timeoutSeconds: 10,
          plan: login.plan(''),
        }),
        // Starts a second later, so the logins already run when it measures.
        new Promise((r) => setTimeout(r, 1000)).then(() =>
          loadCounted(
            {
              url: api.url,
              connections: options.connections,
              durationSeconds: options.durationSeconds,
              timeoutSeconds: 10,
              plan: readPlan,
            },
            api.pid,
          ),
        ),
      ]);
      rssMax = Math.max(rssMax, await rss.stop());
      reps.push(readResult.result);
      cpu.push(readResult.cpu);
      logins.push(loginResult);
    }
    results.loginsDuring72 = { reps: logins, summary: summarize(logins) };
    return {
      name: `${read.name} while logins run at ${LOGIN_RATE}/s`,
      reps,
      summary: summarize(reps),
      rssMaxBytes: rssMax,
      cpu: { reps: cpu, median: medianShare(cpu) },
    };
  }

  /**
   * --alternate: scenario 3 on this server and, beside it, the same build without the outbox (the
   * hook of --without-outbox), loaded in turn, one repetition each per round, the order swapped
   * every round. The two sides of a round are seconds apart, so the load the machine's neighbours
   * put on it (which moves a 10 s repetition by ±15 % here) weighs on both alike, where two runs
   * a minute apart each met their own. The server not being loaded idles meanwhile (its worker
   * polls, when it runs one). Returns the measurement of the side with the outbox; the rounds go
   * in the results.
   */
  async function alternated(
    scenario: Scenario,
    rounds: number,
  ): Promise<Measured & { name: string }> {
    const port = await freePort();
    const without = await startService({
      name: 'teamflow-without-outbox',
      args: [...HEAP_FLAGS, ...WITHOUT_OUTBOX_HOOK, 'dist/src/bootstrap/main.js'],
      env: { ...env, PORT: String(port), ADMIN_PORT: String(await freePort()) },
      port,
      readyPath: '/health/ready',
    });
    try {
      const sides = await Promise.all(
        [
          { name: 'with' as const, service: api },
          { name: 'without' as const, service: without },
        ].map(async (side) => ({
          ...side,
          token: await signIn(side.service.url, member.email, password),
        })),
      );
      const reps: Record<'with' | 'without', LoadResult[]> = { with: [], without: [] };
      const cpu: CpuShare[] = [];
      const perRound: { with: number; without: number; change: number }[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const order = round % 2 === 0 ? sides : [...sides].reverse();
        const rps = { with: 0, without: 0 };
        for (const side of order) {
          await settle(side.service.url);
          // Each leg warms up first (measure's warm-up): a server idle through the other's leg
          // comes back to a pool whose connections closed meanwhile (new sessions, statements
          // prepared again).
          const leg = await measure(
            side.service,
            () => Promise.resolve(scenario.plan(side.token)),
            {
              reps: 1,
            },
          );
          const result = leg.reps[0]!;
          reps[side.name].push(result);
          if (side.name === 'with' && leg.cpu?.reps[0]) cpu.push(leg.cpu.reps[0]);
          rps[side.name] = result.requestsPerSecond;
        }
        const change = (rps.with / rps.without - 1) * 100;
        perRound.push({ ...rps, change: Math.round(change * 10) / 10 });
        log(
          `   round ${round + 1}/${rounds} (${order[0]!.name} first): with ` +
            `${rps.with.toFixed(0)} req/s, without ${rps.without.toFixed(0)}: ` +
            `${change >= 0 ? '+' : ''}${change.toFixed(1)} %`,
        );
      }
      const medianChange = Math.round(median(perRound.map((r) => r.change)) * 10) / 10;
      results.alternate = {
        description:
          'scenario 3 with and without the outbox (the event append and the nudge taken out by ' +
          'bench/harness/without-outbox.mjs), two servers side by side loaded in turn, one ' +
          'repetition each per round, the order swapped every round',
        rounds: perRound,
        medianChangePercent: medianChange,
        without: { median: summarize(reps.without), reps: reps.without },
      };
      notes.push(
        `--alternate ${rounds}: with the outbox against without it, per round (req/s): ` +
          perRound.map((r) => `${r.with.toFixed(0)}/${r.without.toFixed(0)}`).join(', ') +
          `; change per round ${perRound.map((r) => `${r.change}`).join(', ')} %; ` +
          `median ${medianChange} %.`,
      );
      return {
        name: `${scenario.name}, with the outbox (--alternate: without it beside)`,
        reps: reps.with,
        summary: summarize(reps.with),
        cpu: { reps: cpu, median: medianShare(cpu) },
      };
    } finally {
      await without.stop();
    }
  }

  for (const id of ALL) {
    if (!selected.has(id)) continue;
    const scenario = all.get(id);
    try {
      if (id === '7+2') {
        log(`7+2: read one task by key while logins run at ${LOGIN_RATE}/s`);
        measured[id] = await readsDuringLogins();
      } else if (id === '3' && options.alternate !== undefined) {
        log(
          `3: ${scenario!.name}, with and without the outbox in turn, ${options.alternate} rounds`,
        );
        measured[id] = await alternated(scenario!, options.alternate);
      } else if (id === '8') {
        const first = measured['1'];
        if (!first) throw new Error('scenario 1 failed, and 8 runs at a share of its throughput');
        const rate =
          options.mixedRate ??
          Math.max(1, Math.round(MIXED_SHARE * first.summary.requestsPerSecond));
        // What the mix does as fast as it is answered (closed loop, as scenarios 1–6 run): the
        // fixed rate as a share of it is how loaded the machine is while p99 is measured.
        log(`8: ${scenario!.name}, closed loop (its capacity)`);
        const capacity = await measure(api, withToken(scenario!));
        log(
          `   ${Math.round(capacity.summary.requestsPerSecond)} req/s; ` +
            `${rate} req/s is ${(rate / capacity.summary.requestsPerSecond).toFixed(2)} of it`,
        );
        log(
          `8: ${scenario!.name} at ${rate} req/s for ${options.mixedSeconds} s × ${options.reps}`,
        );
        const fixed = await measure(api, withToken(scenario!), {
          rate,
          durationSeconds: options.mixedSeconds,
        });
        measured[id] = {
          name: `${scenario!.name} at ${rate} req/s`,
          rate,
          capacity,
          ...fixed,
          rssMaxBytes: Math.max(fixed.rssMaxBytes ?? 0, capacity.rssMaxBytes ?? 0),
        };
      } else {
        log(`${id}: ${scenario!.name}`);
        measured[id] = { name: scenario!.name, ...(await measure(api, withToken(scenario!))) };
      }
      const s = measured[id].summary;
      log(
        `   ${Math.round(s.requestsPerSecond)} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms, ` +
          `errors ${s.errors}, non-2xx ${s.non2xx} ${JSON.stringify(s.statusCodes)}`,
      );
      const share = measured[id].cpu?.median;
      if (share) log(`   cores: ${formatShare(share)}`);
      for (const [i, rep] of measured[id].reps.entries()) {
        if (!rep.parts) continue;
        const parts = Object.entries(rep.parts).map(
          ([name, p]) => `${name} ${p.count}: p50 ${p.p50} p90 ${p.p90} p99 ${p.p99} ms`,
        );
        log(`   repetition ${i + 1} by part: ${parts.join(' · ')}`);
      }
    } catch (error) {
      failed[id] = error instanceof Error ? error.message : String(error);
      log(`   failed: ${failed[id]}`);
      log(`   the server's last output:\n${api.output().slice(-3000)}`);
    }
  }
  await server.stop();
  server = undefined;
  await worker?.stop();
  worker = undefined;

  if (options.ceilings) {
    log('ceiling: bare Koa hello-world');
    const koa = await startKoaHello();
    try {
      const m = await measure(koa, async () => ({
        kind: 'fixed',
        method: 'GET',
        path: '/',
        headers: {},
      }));
      ceilings['koa-hello'] = {
        name: 'koa-hello',
        description: CEILING_DESCRIPTIONS['koa-hello']!,
        tps: m.summary.requestsPerSecond,
        reps: m.reps,
      };
      rows.push({
        scenario: 'ceiling: bare Koa hello-world',
        rps: m.summary.requestsPerSecond,
        p50: m.summary.p50,
        p99: m.summary.p99,
        errors: m.summary.errors,
        non2xx: m.summary.non2xx,
        rssMb: (m.rssMaxBytes ?? 0) / MB,
      });
    } finally {
      await koa.stop();
    }
    for (const script of scripts) {
      log(`ceiling: ${CEILING_DESCRIPTIONS[script.name]}`);
      const ceiling = await pgbenchCeiling(script);
      ceilings[script.name] = ceiling;
      if (ceiling.error) log(`   failed: ${ceiling.error}`);
      else
        log(`   ${Math.round(ceiling.tps!)} tps, latency average ${ceiling.latencyAverageMs} ms`);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Ratios and targets

  const koaRps = ceilings['koa-hello']?.tps;
  const ratioTo = (value: number, ceiling: number | undefined, name: string) =>
    ceiling === undefined || !(ceiling > 0)
      ? undefined
      : `${(value / ceiling).toFixed(2)} of ${name}`;
  const scenarioRows: Row[] = [];
  /** Each scenario's ratios as numbers, for the JSON (the table shows the one it is held to). */
  const ratios: Record<string, Record<string, number>> = {};
  const rssOf = (m: Measured) => (m.rssMaxBytes ?? 0) / MB;
  const at64 = options.connections === 64 ? '' : ` (at ${options.connections} conn.)`;
  for (const id of ALL) {
    const m = measured[id];
    if (!m) {
      if (failed[id] !== undefined) {
        scenarioRows.push({
          scenario: `${id}. ${all.get(id)?.name ?? id}`,
          ratio: `failed: ${failed[id].split('\n')[0]!.slice(0, 80)}`,
          pass: false,
        });
      }
      continue;
    }
    const s = m.summary;
    const base = {
      scenario: `${id}. ${m.name}`,
      rps: s.requestsPerSecond,
      p50: s.p50,
      p99: s.p99,
      errors: s.errors,
      non2xx: s.non2xx,
      rssMb: rssOf(m),
    };
    const koaRatio = ratioTo(s.requestsPerSecond, koaRps, 'koa');
    let row: Row = { ...base, ratio: koaRatio };
    const numbers: Record<string, number> = (ratios[id] = {});
    const to = (name: string, ceiling: number | undefined) => {
      if (ceiling !== undefined && ceiling > 0) numbers[name] = s.requestsPerSecond / ceiling;
    };
    to('koaHello', koaRps);
    if (id === '1') {
      const strict = ceilings['list-query']?.tps;
      const asSent = ceilings['list-as-sent']?.tps;
      const ratio = strict === undefined ? undefined : s.requestsPerSecond / strict;
      row = {
        ...base,
        ratio: ratioTo(s.requestsPerSecond, strict, 'pg query') ?? koaRatio,
        target: `≥ 0.30 of pg query, p99 < 30 ms${at64}`,
        pass: ratio === undefined ? undefined : ratio >= 0.3 && s.p99 < 30,
      };
      to('pgbenchListQuery', strict);
      to('pgbenchListQueryPrepared', ceilings['list-query-prepared']?.tps);
      to('pgbenchListAsSent', asSent);
    } else if (id === '1d' && measured['1']) {
      const first = measured['1'].summary.requestsPerSecond;
      const ratio = first > 0 ? s.requestsPerSecond / first : undefined;
      to('scenario1', first);
      row = {
        ...base,
        ratio: ratio === undefined ? undefined : `${ratio.toFixed(2)} of 1`,
        target: 'within 1.2× of 1 (≥ 0.83)',
        pass: ratio !== undefined && ratio >= 1 / 1.2,
      };
    } else if (id === '3') {
      const ceiling = ceilings['create-transaction']?.tps;
      const ratio = ceiling === undefined ? undefined : s.requestsPerSecond / ceiling;
      to('pgbenchCreateTransaction', ceiling);
      to('pgbenchCreateAsSent', ceilings['create-as-sent']?.tps);
      row = {
        ...base,
        ratio: ratioTo(s.requestsPerSecond, ceiling, 'pg txn') ?? koaRatio,
        target: '≥ 0.50 of pg txn',
        pass: ratio === undefined ? undefined : ratio >= 0.5,
      };
    } else if (id === '7') {
      row = {
        ...base,
        target: `≥ ${LOGIN_RATE} logins/s`,
        pass: s.requestsPerSecond >= LOGIN_RATE,
      };
    } else if (id === '7+2' && measured['2']) {
      const idle = measured['2'].summary.p99;
      const loginRate = median(
        (results.loginsDuring72 as { reps: LoadResult[] }).reps.map((r) => r.requestsPerSecond),
      );
      const ratio = s.p99 / Math.max(idle, 1);
      numbers.p99ToIdle = ratio;
      numbers.loginsPerSecond = loginRate;
      row = {
        ...base,
        ratio: `p99 ${ratio.toFixed(2)}× idle; logins ${Math.round(loginRate)}/s`,
        target: `p99 < 2× idle (${idle} ms) at ${LOGIN_RATE} logins/s`,
        pass: ratio < 2 && loginRate >= LOGIN_RATE * 0.95,
      };
    } else if (id === '8') {
      to('requestedRate', m.rate);
      const capacity = m.capacity?.summary.requestsPerSecond;
      if (capacity !== undefined && m.rate !== undefined) {
        numbers.closedLoopRequestsPerSecond = capacity;
        numbers.rateToClosedLoop = m.rate / capacity;
      }
      row = {
        ...base,
        ratio:
          capacity === undefined || m.rate === undefined
            ? undefined
            : `rate ${(m.rate / capacity).toFixed(2)} of its closed loop (${Math.round(capacity)}/s)`,
        target: `0 errors, p99 < 50 ms at ${m.rate} req/s`,
        pass: s.errors === 0 && s.non2xx === 0 && s.p99 < 50,
      };
    }
    scenarioRows.push(row);
  }
  const rssMax = Math.max(0, ...Object.values(measured).map(rssOf));
  scenarioRows.push({
    scenario: 'RSS under load (max over the scenarios)',
    rssMb: rssMax,
    target: '< 250 MB',
    pass: rssMax < 250,
  });
  const ceilingRows: Row[] = Object.values(ceilings)
    .filter((c) => c.name !== 'koa-hello')
    .map((c) => ({
      scenario: `ceiling: ${c.description}`,
      rps: c.tps,
      ratio: c.error ? 'pgbench failed (see the log)' : undefined,
    }));
  rows.unshift(...scenarioRows);
  rows.push(...ceilingRows);

  for (const c of Object.values(ceilings)) {
    for (const note of c.notes ?? []) notes.push(`${c.name}: ${note}`);
  }
  const info = machine(postgresVersion);
  const mode =
    (options.embedded
      ? `embedded (PGlite + memory; ${options.embeddedTasks.toLocaleString('en')} tasks)`
      : `PostgreSQL + Redis (${withoutPassword(databaseUrl)})`) +
    (flags['without-outbox'] ? '; WITHOUT the outbox (no event appended, no nudge)' : '') +
    (flags['no-worker']
      ? '; NO worker (events written, not dispatched)'
      : flags['separate-worker']
        ? '; the worker in its own process'
        : '; the worker inside the API') +
    (options.alternate !== undefined
      ? `; --alternate ${options.alternate}: the build without the outbox served beside it, loaded in turn`
      : '');
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const header = [
    `TeamFlow HTTP benchmark — ${startedAt.toISOString()}${options.quick ? ' — QUICK RUN (smoke, not a measurement)' : ''}`,
    `Command: ${command}`,
    `Mode: ${mode}; server: node ${HEAP_FLAGS.join(' ')} dist/src/bootstrap/main.js, NODE_ENV=production, LOG_LEVEL=warn, ` +
      `DATABASE_POOL_SIZE=${env.DATABASE_POOL_SIZE ?? '10 (default)'}`,
    `Load: autocannon, ${options.connections} connections, ${options.reps} × ${options.durationSeconds} s ` +
      `(scenario 8: ${options.reps} × ${options.mixedSeconds} s) after ${options.warmupSeconds} s warm-up; medians`,
    `Machine: ${info.cpus} × ${info.cpu}, ${info.memoryGb} GB, ${info.os}; Node ${info.node}; ${info.postgres ?? ''}`,
    `Commit: ${info.git.commit ?? '?'}${info.git.dirty ? ' (+ uncommitted changes in src/)' : ''}; idle RSS ${rssIdle.toFixed(0)} MB`,
  ];
  const table = formatTable(rows);
  const cpuTable = formatCpuTable(
    Object.entries(measured).map(([id, m]) => [`${id}. ${m.name}`, m.cpu?.median] as const),
    info.cpus,
  );
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const file = path.join(
    ROOT,
    'bench',
    'results',
    `${stamp}${options.embedded ? '-embedded' : ''}${options.quick ? '-quick' : ''}.json`,
  );
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        command,
        mode,
        options,
        machine: info,
        server: {
          entry: 'dist/src/bootstrap/main.js',
          nodeFlags: HEAP_FLAGS,
          env: {
            NODE_ENV: env.NODE_ENV,
            LOG_LEVEL: env.LOG_LEVEL,
            DATABASE_URL: env.DATABASE_URL && withoutPassword(env.DATABASE_URL),
            REDIS_URL: env.REDIS_URL,
            DATABASE_POOL_SIZE: env.DATABASE_POOL_SIZE,
            LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP: env.LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP,
            LOGIN_MAX_FAILURES_PER_IP: env.LOGIN_MAX_FAILURES_PER_IP,
            LOGIN_MAX_FAILURES_PER_EMAIL_PER_MINUTE: env.LOGIN_MAX_FAILURES_PER_EMAIL_PER_MINUTE,
          },
          rssIdleMb: rssIdle,
        },
        fixture: {
          ...fixture,
          loginEmails: fixture.loginEmails.length,
          taskKeys: fixture.taskKeys.length,
        },
        scenarios: Object.fromEntries(
          Object.entries(measured).map(([id, m]) => [
            id,
            {
              name: m.name,
              ...(m.rate !== undefined && { rate: m.rate }),
              ...(m.capacity && {
                closedLoop: {
                  median: m.capacity.summary,
                  reps: m.capacity.reps,
                  cpu: m.capacity.cpu,
                },
              }),
              median: m.summary,
              rssMaxMb: rssOf(m),
              ratios: ratios[id],
              reps: m.reps,
              cpu: m.cpu,
              row: rows.find((r) => r.scenario.startsWith(`${id}. `)),
            },
          ]),
        ),
        ceilings,
        failed,
        ...results,
        notes,
        table,
        cpuTable,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`${header.join('\n')}\n\n${table}\n`);
  console.log(
    'Ratios: 1 to pgbench running its list SELECT alone (strict; the as-sent ceiling is below the ' +
      'table), 1d to scenario 1, 3 to pgbench running its createTask transaction, 7+2 its p99 to ' +
      "scenario 2's, the others to the bare Koa server.",
  );
  for (const note of notes) console.log(`- ${note}`);
  console.log(`\n${cpuTable}`);
  console.log(`\nResults: ${path.relative(process.cwd(), file)}`);
} catch (error) {
  if (server)
    process.stderr.write(`\nThe server's last output:\n${server.output().slice(-8000)}\n`);
  throw error;
} finally {
  await server?.stop();
  await worker?.stop();
  if (owner) {
    if (!options.keep && fixture) {
      const removed = await removeCreated(owner, fixture.organization.id).catch(
        (error: unknown) => {
          log(`removing the created tasks failed: ${String(error)}`);
          return 0;
        },
      );
      if (removed > 0) log(`removed the ${removed} tasks this run created`);
    }
    await owner.end();
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
}
