// The public status lookup (issue 17): GET /api/v1/public/status/{code} for a live code, and for
// the three that must answer alike — unknown, revoked, and one of a private project — each under
// the same autocannon load, on the production build with PostgreSQL and Redis (the per-address
// limit raised: one client address sends it all). Shows whether the 404s' time tells them apart.
//
//   npm run bench:public-status -- [--duration 5] [--connections 10]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readSeedSummary } from './harness/fixture.js';
import { runLoad } from './harness/load.js';
import type { Service } from './harness/processes.js';
import { login, serviceEnvironment, startApi } from './harness/services.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
  },
});
const log = (message: string) => process.stderr.write(`[public-status] ${message}\n`);

const started: Service[] = [];
const workDir = await mkdtemp(path.join(os.tmpdir(), 'teamflow-status-'));

async function main(): Promise<void> {
  const seed = await readSeedSummary();
  const env = {
    ...(await serviceEnvironment('status')),
    PUBLIC_STATUS_LOOKUPS_PER_ADDRESS: '1000000000',
  };
  const api = await startApi(env, 'api');
  started.push(api);
  const token = await login(api, seed.big!.members.admin!.email, seed.password);
  const call = async (method: string, url: string, body?: unknown) => {
    const reply = await fetch(`${api.url}/api/v1/organizations/${seed.big!.id}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await reply.text();
    if (!reply.ok) throw new Error(`${method} ${url}: ${reply.status} ${text}`);
    return JSON.parse(text) as { data: Record<string, unknown> };
  };
  const key = () =>
    Array.from({ length: 6 }, () => String.fromCharCode(65 + Math.floor(Math.random() * 26))).join(
      '',
    );
  const project = (
    await call('POST', '/projects', { name: 'Desk', key: key(), public_lookup: true })
  ).data;
  const task = async (projectId: unknown) =>
    (await call('POST', `/projects/${String(projectId)}/tasks`, { title: 'Printer' })).data;
  const live = (await task(project.id)).tracking_code as string;
  const replaced = await task(project.id);
  await call('POST', `/tasks/${String(replaced.id)}/tracking-code`);
  const revoked = replaced.tracking_code as string;
  const hidden = (
    await call('POST', '/projects', { name: 'Hidden', key: key(), public_lookup: true })
  ).data;
  const secret = (await task(hidden.id)).tracking_code as string;
  await call('PATCH', `/projects/${String(hidden.id)}`, { public_lookup: false });
  const unknown = `${String(project.key)}-0000000000`;

  const results: Record<string, unknown> = {};
  for (const [name, code] of Object.entries({ live, unknown, revoked, private: secret })) {
    log(`${name}: ${args.duration} s at ${args.connections} connections`);
    const result = await runLoad(
      {
        url: api.url,
        connections: Number(args.connections),
        durationSeconds: Number(args.duration),
        timeoutSeconds: 10,
        plan: { kind: 'fixed', method: 'GET', path: `/api/v1/public/status/${code}`, headers: {} },
      },
      workDir,
    );
    results[name] = {
      status: Object.keys(result.statusCodes).join(','),
      rps: Math.round(result.requestsPerSecond),
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      mean: Number(result.latency.mean.toFixed(2)),
    };
  }
  console.log(JSON.stringify(results, null, 2));
}

try {
  await main();
} finally {
  await Promise.all(started.map((service) => service.stop()));
  await rm(workDir, { recursive: true, force: true });
}
