// The load generator: autocannon in a process of its own (so it shares no event loop with the
// orchestrator or the server), driven by a LoadSpec read from the file named on the command line.
// Prints one LoadResult as JSON on stdout.
//
//   node --import tsx bench/harness/load-worker.ts /tmp/spec.json
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec, RequestPlan } from './load-spec.js';

interface Built {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const json = { 'content-type': 'application/json' };

/** A function returning the next request of the plan. */
function requestSource(plan: RequestPlan): () => Built {
  switch (plan.kind) {
    case 'fixed': {
      const built: Built = {
        method: plan.method,
        path: plan.path,
        headers: plan.body === undefined ? plan.headers : { ...plan.headers, ...json },
        ...(plan.body !== undefined && { body: JSON.stringify(plan.body) }),
      };
      return () => built;
    }
    case 'paths': {
      let next = 0;
      return () => {
        const path = plan.paths[next]!;
        next = (next + 1) % plan.paths.length;
        return { method: 'GET', path, headers: plan.headers };
      };
    }
    case 'create': {
      let n = 0;
      return () => {
        n += 1;
        return {
          method: 'POST',
          path: plan.path,
          headers: {
            ...plan.headers,
            ...json,
            'idempotency-key': `${plan.marker}-${process.pid}-${n}-${randomUUID()}`,
          },
          body: JSON.stringify({ ...plan.body, title: `${plan.marker} task ${n}` }),
        };
      };
    }
    case 'move': {
      let next = 0;
      const moves = plan.tasks.map(() => 0);
      return () => {
        const i = next;
        next = (next + 1) % plan.tasks.length;
        const status = plan.statuses[moves[i]! % 2]!;
        moves[i]! += 1;
        return {
          method: 'POST',
          path: plan.pathTemplate.replace('{task}', plan.tasks[i]!),
          headers: { ...plan.headers, ...json },
          body: JSON.stringify({ status_id: status }),
        };
      };
    }
    case 'login': {
      let next = 0;
      return () => {
        const email = plan.emails[next]!;
        next = (next + 1) % plan.emails.length;
        return {
          method: 'POST',
          path: plan.path,
          headers: json,
          body: JSON.stringify({ email, password: plan.password }),
        };
      };
    }
    case 'mix': {
      const parts = plan.parts.map((part) => ({
        weight: part.weight,
        next: requestSource(part.plan),
      }));
      const total = parts.reduce((sum, part) => sum + part.weight, 0);
      return () => {
        let pick = Math.random() * total;
        for (const part of parts) {
          pick -= part.weight;
          if (pick < 0) return part.next();
        }
        return parts.at(-1)!.next();
      };
    }
  }
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const next = requestSource(spec.plan);
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    timeout: spec.timeoutSeconds,
    ...(spec.rate !== undefined && { overallRate: spec.rate }),
    requests: [{ setupRequest: (request) => ({ ...request, ...next() }) }],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = stat.count ?? 0;
  }
  return {
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    durationSeconds: result.duration,
  };
}

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: load-worker.ts <spec.json>');
  process.exit(2);
}
const spec = JSON.parse(await readFile(file, 'utf8')) as LoadSpec;
process.stdout.write(`${JSON.stringify(await run(spec))}\n`);
