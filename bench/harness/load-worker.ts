// The load generator: autocannon in a process of its own (so it shares no event loop with the
// orchestrator or the server), driven by a LoadSpec read from the file named on the command line.
// Prints one LoadResult as JSON on stdout.
//
//   node --import tsx bench/harness/load-worker.ts /tmp/spec.json
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec, RequestPlan } from './load-spec.js';

interface Built {
  /** The mix part it was drawn from, if named. */
  part?: string;
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
      const parts = plan.parts.map((part) => {
        const source = requestSource(part.plan);
        const name = part.name;
        return {
          weight: part.weight,
          next: name === undefined ? source : (): Built => ({ ...source(), part: name }),
        };
      });
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

/** The value at quantile q of ascending values (nearest rank), or 0 for none. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * Open-loop load at an even rate: request i is due at start + i/rate and its latency runs from
 * then, whether it could be sent at once or waited for one of the `connections` keep-alive
 * sockets (as wrk2 measures). Requests still in flight when the time is up are waited for (up to
 * the timeout) and counted, so slow answers at the end are not dropped.
 */
async function runEven(spec: LoadSpec & { rate: number }): Promise<LoadResult> {
  const next = requestSource(spec.plan);
  const target = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const latencies: number[] = [];
  const byPart = new Map<string, { count: number; latencies: number[] }>();
  const statusCodes: Record<string, number> = {};
  let total = 0;
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  const inFlight = new Set<Promise<void>>();

  function fire(due: number) {
    const built = next();
    const done = new Promise<void>((resolve) => {
      let timedOut = false;
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: built.method,
          path: built.path,
          agent,
          timeout: spec.timeoutSeconds * 1000,
          headers:
            built.body === undefined
              ? built.headers
              : { ...built.headers, 'content-length': Buffer.byteLength(built.body) },
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            total += 1;
            const status = response.statusCode ?? 0;
            statusCodes[status] = (statusCodes[status] ?? 0) + 1;
            const part =
              built.part === undefined
                ? undefined
                : (byPart.get(built.part) ??
                  byPart.set(built.part, { count: 0, latencies: [] }).get(built.part)!);
            if (part) part.count += 1;
            if (status >= 200 && status < 300) {
              const latency = performance.now() - due;
              latencies.push(latency);
              part?.latencies.push(latency);
            } else non2xx += 1;
            resolve();
          });
          response.on('error', () => {
            errors += 1;
            resolve();
          });
        },
      );
      request.on('timeout', () => {
        timedOut = true;
        timeouts += 1;
        request.destroy();
      });
      request.on('error', () => {
        if (!timedOut) errors += 1;
        resolve();
      });
      request.end(built.body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  }

  const interval = 1000 / spec.rate;
  const durationMs = spec.durationSeconds * 1000;
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Math.min(performance.now() - start, durationMs);
      while (sent * interval < elapsed) {
        fire(start + sent * interval);
        sent += 1;
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await Promise.all(inFlight);
  agent.destroy();
  const elapsedSeconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const mean = latencies.reduce((sum, l) => sum + l, 0) / Math.max(1, latencies.length);
  return {
    // Answers over the whole time, the wait for the last ones included: a server that falls
    // behind the rate shows a lower figure, not the rate it was sent.
    requestsPerSecond: total / elapsedSeconds,
    total,
    latency: {
      p50: round(quantile(latencies, 0.5)),
      p90: round(quantile(latencies, 0.9)),
      p99: round(quantile(latencies, 0.99)),
      max: round(latencies.at(-1) ?? 0),
      mean: round(mean),
    },
    errors,
    timeouts,
    non2xx,
    statusCodes,
    durationSeconds: round(elapsedSeconds),
    ...(byPart.size > 0 && {
      parts: Object.fromEntries(
        [...byPart].map(([name, part]) => {
          const sorted = part.latencies.sort((a, b) => a - b);
          return [
            name,
            {
              count: part.count,
              p50: round(quantile(sorted, 0.5)),
              p90: round(quantile(sorted, 0.9)),
              p99: round(quantile(sorted, 0.99)),
              max: round(sorted.at(-1) ?? 0),
            },
          ];
        }),
      ),
    }),
  };
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  if (spec.rate !== undefined && spec.pacing !== 'autocannon') {
    return runEven({ ...spec, rate: spec.rate });
  }
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
