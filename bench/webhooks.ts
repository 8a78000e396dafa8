// The webhooks scenario (issue 16): a worker and an API process against PostgreSQL and Redis,
// `--tasks` task creates through the API (`--concurrency` at a time) first with no webhook
// endpoint, then with `--endpoints` endpoints subscribed to task.created on a local receiver that
// verifies every Standard Webhooks signature, each task assigned to a member (a notification) and
// given two watchers once created. Reports the creates' rate and latency without and with the
// subscribers, deliveries made (every one, once each), commit-to-receipt latency (from the
// event's `occurred_at`, stamped before its commit, to the receiver's arrival) and the cores used.
//
//   npm run bench:webhooks -- [--tasks 1000] [--concurrency 10] [--endpoints 3]
// Reads DATABASE_URL (postgres://postgres@127.0.0.1:5432/teamflow_bench, seeded by bench/seed.ts)
// and REDIS_URL (redis://127.0.0.1:6379); runs the build in dist/ (the script builds first).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startWebhookReceiver } from '../test/support/webhook-receiver.js';
import { postgresFixture, readSeedSummary } from './harness/fixture.js';
import { ROOT, type Service } from './harness/processes.js';
import { latencySummary } from './harness/report.js';
import {
  benchDatabaseUrl,
  login,
  meterCpu,
  serviceEnvironment,
  startApi,
  startWorker,
} from './harness/services.js';

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '10' },
    endpoints: { type: 'string', default: '3' },
  },
});
const TASKS = Number(args.tasks);
const CONCURRENCY = Number(args.concurrency);
const ENDPOINTS = Number(args.endpoints);
const log = (message: string) => process.stderr.write(`[webhooks] ${message}\n`);

const started: Service[] = [];

async function main(): Promise<void> {
  const owner = new pg.Client({ connectionString: benchDatabaseUrl });
  await owner.connect();
  const seed = await readSeedSummary();
  const fixture = await postgresFixture(owner, seed, 'login');
  await owner.end();
  const members = seed.big!.members;
  const org = fixture.organization.id;
  const project = fixture.createProject.id;

  const receiver = await startWebhookReceiver();
  const env = { ...(await serviceEnvironment('wh')), WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };
  const worker = await startWorker(env);
  started.push(worker);
  const api = await startApi(env, 'api');
  started.push(api);
  const token = await login(api, members.admin!.email, fixture.password);
  const call = async (method: string, url: string, body?: unknown) => {
    const reply = await fetch(`${api.url}/api/v1${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await reply.text();
    if (!reply.ok) throw new Error(`${method} ${url}: ${reply.status} ${text}`);
    return (text === '' ? { data: {} } : JSON.parse(text)) as { data: Record<string, unknown> };
  };

  /**
   * Creates `TASKS` tasks, `CONCURRENCY` at a time, each given two watchers once created (both
   * runs alike): the creates' latency, and tasks (create and watchers) per second.
   */
  const createTasks = async (label: string) => {
    const latencies: number[] = [];
    let next = 0;
    const t0 = performance.now();
    const lane = async () => {
      for (let n = next++; n < TASKS; n = next++) {
        const t = performance.now();
        const created = await call('POST', `/organizations/${org}/projects/${project}/tasks`, {
          title: `Webhook bench ${label} ${n}`,
          assignee_id: members.member!.id,
        });
        latencies.push(performance.now() - t);
        const task = created.data.id as string;
        for (const watcher of [members.member!, members.manager!]) {
          await call('POST', `/organizations/${org}/tasks/${task}/watchers`, {
            user_id: watcher.id,
          });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    const seconds = (performance.now() - t0) / 1000;
    return {
      rate_per_s: Math.round((TASKS / seconds) * 10) / 10,
      latency_ms: latencySummary(latencies),
    };
  };

  log(`${TASKS} creates without an endpoint`);
  const without = await createTasks('plain');

  const secrets: string[] = [];
  for (let i = 0; i < ENDPOINTS; i += 1) {
    const created = await call('POST', `/organizations/${org}/webhooks`, {
      url: `${receiver.url}?endpoint=${i}`,
      events: ['task.created'],
      description: `bench ${process.pid} ${i}`,
    });
    secrets.push(created.data.secret as string);
  }
  receiver.secrets = secrets;
  const endpointIds: string[] = [];
  try {
    const { data } = (await call('GET', `/organizations/${org}/webhooks?limit=100`)) as unknown as {
      data: { id: string; description: string }[];
    };
    endpointIds.push(
      ...data.filter((e) => e.description.startsWith(`bench ${process.pid} `)).map((e) => e.id),
    );

    log(`${TASKS} creates with ${ENDPOINTS} endpoints and two watchers each`);
    const stopMeter = await meterCpu({ worker, api });
    const withSubscribers = await createTasks('hooked');
    const expected = TASKS * ENDPOINTS;
    const deadline = Date.now() + 120_000;
    const arrived = () => receiver.received.filter((r) => r.body.includes('Webhook bench hooked'));
    while (Date.now() < deadline && arrived().length < expected) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const used = await stopMeter();
    const received = arrived();
    const ids = new Set(received.map((r) => r.headers['webhook-id']));
    const latencies = received.map(
      (r) => r.receivedAt - Date.parse((JSON.parse(r.body) as { occurred_at: string }).occurred_at),
    );
    const result = {
      tasks: TASKS,
      concurrency: CONCURRENCY,
      endpoints: ENDPOINTS,
      creates_without_subscribers: without,
      creates_with_subscribers: withSubscribers,
      deliveries_expected: expected,
      deliveries_received: received.length,
      distinct_webhook_ids: ids.size,
      badly_signed: received.filter((r) => r.validFor.length === 0).length,
      commit_to_receipt_ms: latencySummary(latencies),
      ...used,
    };
    console.log(JSON.stringify(result, null, 2));
    const dir = path.join(ROOT, 'bench', 'results');
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, `webhooks-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
  } finally {
    for (const id of endpointIds) {
      await call('DELETE', `/organizations/${org}/webhooks/${id}`).catch(() => undefined);
    }
    await receiver.close();
  }
}

try {
  await main();
} finally {
  for (const service of started.reverse()) await service.stop().catch(() => undefined);
}
