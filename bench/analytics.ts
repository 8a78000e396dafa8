// The analytics scenario (issue 17): GET /organizations/{org}/analytics of the seeded million-task
// organization, as its admin (the whole organization), against the production build on PostgreSQL
// and Redis.
// - cold: `--cold` requests one after another, each a question not asked before (its own `to`), so
//   none is answered from the cache: both statements run every time;
// - warm: `--duration` seconds of autocannon at `--connections`, one question, answered from the
//   cache after the first;
// - the bare Koa hello-world with the same autocannon settings, in the same run: the ceiling the
//   warm figures are read against (ratios).
//
//   npm run bench:analytics -- [--cold 40] [--duration 10] [--connections 10]
// Reads DATABASE_URL (postgres://postgres@127.0.0.1:5432/teamflow_bench, seeded by bench/seed.ts)
// and REDIS_URL; runs the build in dist/ (the script builds first).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { postgresFixture, readSeedSummary } from './harness/fixture.js';
import type { LoadResult, LoadSpec } from './harness/load-spec.js';
import { runLoad } from './harness/load.js';
import { startKoaHello, type Service } from './harness/processes.js';
import { percentile } from './harness/report.js';
import { benchDatabaseUrl, login, serviceEnvironment, startApi } from './harness/services.js';

const { values: args } = parseArgs({
  options: {
    cold: { type: 'string', default: '40' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
  },
});
const COLD = Number(args.cold);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const log = (message: string) => process.stderr.write(`[analytics] ${message}\n`);

const started: Service[] = [];
const workDir = await mkdtemp(path.join(os.tmpdir(), 'teamflow-analytics-'));

const load = (spec: LoadSpec): Promise<LoadResult> => runLoad(spec, workDir);

async function main(): Promise<void> {
  const owner = new pg.Client({ connectionString: benchDatabaseUrl });
  await owner.connect();
  const seed = await readSeedSummary();
  const fixture = await postgresFixture(owner, seed, 'login');
  const { rows } = await owner.query<{ n: string }>(
    'select count(*) as n from tasks where organization_id = $1 and deleted_at is null',
    [fixture.organization.id],
  );
  await owner.end();
  const tasks = Number(rows[0]!.n);
  const api = await startApi(await serviceEnvironment('analytics'), 'api');
  started.push(api);
  const token = await login(api, seed.big!.members.admin!.email, fixture.password);
  const headers = { authorization: `Bearer ${token}` };
  const base = `/api/v1/organizations/${fixture.organization.id}/analytics`;

  log(`organization of ${tasks.toLocaleString('en')} live tasks; ${COLD} cold requests`);
  const cold: number[] = [];
  const start = Date.now();
  for (let i = 0; i < COLD; i++) {
    const to = new Date(start - i * 1000).toISOString();
    const began = performance.now();
    const reply = await fetch(`${api.url}${base}?to=${encodeURIComponent(to)}`, { headers });
    await reply.text();
    if (reply.status !== 200) throw new Error(`cold request: ${reply.status}`);
    cold.push(performance.now() - began);
  }
  cold.sort((a, b) => a - b);

  log(`warm: ${DURATION} s at ${CONNECTIONS} connections`);
  const plan = { kind: 'fixed', method: 'GET', path: base, headers } as const;
  await fetch(`${api.url}${base}`, { headers }).then((r) => r.text());
  const warm = await load({
    url: api.url,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    timeoutSeconds: 10,
    plan,
  });

  log('ceiling: bare Koa hello-world');
  const koa = await startKoaHello();
  started.push(koa);
  const ceiling = await load({
    url: koa.url,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    timeoutSeconds: 10,
    plan: { kind: 'fixed', method: 'GET', path: '/', headers: {} },
  });

  const result = {
    tasks,
    cold_ms: {
      requests: cold.length,
      p50: Math.round(percentile(cold, 0.5)),
      p99: Math.round(percentile(cold, 0.99)),
      max: Math.round(cold.at(-1)!),
    },
    warm_ms: {
      rps: Math.round(warm.requestsPerSecond),
      p50: warm.latency.p50,
      p99: warm.latency.p99,
      non2xx: warm.non2xx,
      errors: warm.errors,
    },
    koa_hello: {
      rps: Math.round(ceiling.requestsPerSecond),
      p50: ceiling.latency.p50,
      p99: ceiling.latency.p99,
    },
    warm_rps_share_of_koa: Number((warm.requestsPerSecond / ceiling.requestsPerSecond).toFixed(3)),
    targets: { cold_p99_ms: 300, warm_p99_ms: 50 },
  };
  console.log(JSON.stringify(result, null, 2));
}

try {
  await main();
} finally {
  await Promise.all(started.map((service) => service.stop()));
  await rm(workDir, { recursive: true, force: true });
}
