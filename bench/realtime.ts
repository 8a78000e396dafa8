// The realtime scenario (issue 15): two API processes and a worker against PostgreSQL and Redis,
// `--sockets` WebSocket subscribers to one project spread over both processes, task moves at
// `--rate` per second for `--duration` seconds through both. Reports commit-to-socket latency
// (p50/p99: from the event's `occurred_at`, stamped before its commit, to its arrival, so a little
// pessimistic), the same from the move's answer (which leaves after the COMMIT: a lower bound),
// each move's own time (send to answer: how far the writes keep up with the rate), events lost (a
// socket missing a move that answered 200), out-of-order per task (a move whose `from` is not the
// previous move's `to` on that socket), and the RSS the idle sockets added to the two API
// processes.
//
//   npm run bench:realtime -- [--sockets 1000] [--rate 100] [--duration 60]
// Reads DATABASE_URL (postgres://postgres@127.0.0.1:5432/teamflow_bench, seeded by bench/seed.ts)
// and REDIS_URL (redis://127.0.0.1:6379); runs the build in dist/ (the script builds first).
import path from 'node:path';
import { parseArgs } from 'node:util';
import http from 'node:http';
import pg from 'pg';
import { mkdir, writeFile } from 'node:fs/promises';
import { postgresFixture, readSeedSummary } from './harness/fixture.js';
import { openFrameSocket, type FrameSocket } from './harness/frame-socket.js';
import { ROOT, rssOf, type Service } from './harness/processes.js';
import {
  benchDatabaseUrl,
  dispatchLagOf,
  login,
  meterCpu,
  serviceEnvironment,
  settingOverrides,
  startApi,
  startWorker,
} from './harness/services.js';

const { values: args } = parseArgs({
  options: {
    sockets: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '100' },
    duration: { type: 'string', default: '60' },
    // Sockets opened and closed on each API before the idle baseline is read: the young
    // generation and the compiled code the first handshakes grow belong to the process, not to
    // the sockets that stay.
    warmup: { type: 'string', default: '200' },
    // Writes a V8 CPU profile of each API process and the worker into this folder (`--cpu-prof`).
    'cpu-prof-dir': { type: 'string' },
  },
});
const SOCKETS = Number(args.sockets);
const RATE = Number(args.rate);
const DURATION_S = Number(args.duration);
const WARMUP = Number(args.warmup);
/** Distinct frames a run may hear: one per move, and room for the few others. */
const FRAME_CAPACITY = RATE * DURATION_S + 1_000;
const log = (message: string) => process.stderr.write(`[realtime] ${message}\n`);

const started: Service[] = [];

/** Latencies in whole milliseconds, counted (6 million samples need no array of them). */
class Histogram {
  readonly counts = new Uint32Array(60_001);
  samples = 0;
  add(ms: number): void {
    this.counts[Math.max(0, Math.min(60_000, Math.round(ms)))]! += 1;
    this.samples += 1;
  }
  percentile(p: number): number {
    let seen = 0;
    const wanted = Math.ceil(p * this.samples);
    for (let ms = 0; ms < this.counts.length; ms += 1) {
      seen += this.counts[ms]!;
      if (seen >= wanted) return ms;
    }
    return Number.POSITIVE_INFINITY;
  }
  summary() {
    return { p50: this.percentile(0.5), p99: this.percentile(0.99), max: this.percentile(1) };
  }
}
/**
 * From the event's `occurred_at`: stamped once the move's UPDATE has answered (its waits for the
 * task's row and its column's lock behind it), before the trip that writes the event and commits.
 */
const latency = new Histogram();
/**
 * From the move's answer reaching the client, which comes after its COMMIT: a lower bound of
 * commit-to-socket (0 when the event reached the socket before the answer reached the client).
 */
const latencyFromAnswer = new Histogram();
/** Each move's own time, from sending it to its answer (what it waited for a lock included). */
const moveTimes = new Histogram();
/**
 * When each move's answer arrived (Date.now()), by the task and the position it answered: a
 * column's positions never tie, so with the time they name the move (whatever order a task's
 * moves commit in).
 */
const answeredAt = new Map<string, number>();
const moveKey = (task: string, position: unknown) => `${task}:${String(position)}`;

/** An event frame the subscribers heard, parsed once. */
interface KnownFrame {
  /** Its place among the distinct frames, in the order they were first heard. */
  readonly index: number;
  readonly bytes: Buffer;
  /** A task.moved frame's facts; undefined for any other frame. */
  readonly move?: {
    readonly task: string;
    readonly from: string | undefined;
    readonly to: string | undefined;
  };
  readonly occurredMs: number;
  /** A task.moved frame's move, as answeredAt names it. */
  readonly key?: string;
  /** When its move's answer arrived, once looked up. */
  answeredMs?: number | undefined;
}

/**
 * The subscribers share the machine's cores with the server, so the client does as little per
 * frame as it can while still reading and checking every socket's own bytes: each distinct frame
 * is parsed once (every socket of an event gets the same text), and a socket's frame is compared
 * byte for byte (memcmp) with the frame that followed its previous one, which is almost always the
 * one it is; anything else is looked up by its text. Parsing 100,000 frames a second, or hashing
 * their text, took the cores being measured.
 */
const frames: KnownFrame[] = [];
const framesByText = new Map<string, KnownFrame>();
function knownFrame(raw: Buffer, previous: number): KnownFrame {
  const guess = frames[previous + 1];
  if (guess !== undefined && guess.bytes.equals(raw)) return guess;
  const text = raw.toString();
  const known = framesByText.get(text);
  if (known !== undefined) return known;
  const message = JSON.parse(text) as {
    type: string;
    event?: string;
    data?: {
      subject: { id: string };
      data: { status?: { from: string; to: string }; position?: { to: number } };
      occurred_at: string;
    };
  };
  const moved = message.type === 'event' && message.event === 'task.moved' && message.data;
  const frame: KnownFrame = {
    index: frames.length,
    bytes: Buffer.from(raw),
    ...(moved && {
      move: {
        task: moved.subject.id,
        from: moved.data.status?.from,
        to: moved.data.status?.to,
      },
    }),
    occurredMs: moved ? Date.parse(moved.occurred_at) : 0,
    ...(moved && { key: moveKey(moved.subject.id, moved.data.position?.to) }),
  };
  frames.push(frame);
  framesByText.set(text, frame);
  return frame;
}

/**
 * The moves go out through node:http with kept-alive connections: fetch() cost the client 2 ms
 * of CPU a request, a fifth of a core at 100 moves/s, taken from the cores being measured.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function post(
  url: string,
  token: string,
  body: string,
  onAnswer: (body: string) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.once('end', () => {
          onAnswer(Buffer.concat(chunks).toString());
          resolve(reply.statusCode ?? 0);
        });
        reply.once('error', reject);
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

interface Subscriber {
  readonly socket: FrameSocket;
  /** Distinct task.moved frames heard (a repeat is not counted again). */
  moved: number;
  /** Per frame index: heard already. */
  readonly heard: Uint8Array;
  /** The index of the last frame heard. */
  last: number;
  /** Per task: the status its last move went to, as this socket heard it. */
  readonly lastTo: Map<string, string>;
  outOfOrder: number;
}

async function main(): Promise<void> {
  const owner = new pg.Client({ connectionString: benchDatabaseUrl });
  await owner.connect();
  const seed = await readSeedSummary();
  const fixture = await postgresFixture(owner, seed, 'login');
  // Each run starts from a vacuumed database: where autovacuum is off (as on the machines these
  // figures come from) a run would otherwise inherit the dead rows of the runs before it, and
  // the notifications consumer read through them.
  await owner.query('VACUUM (ANALYZE)');
  await owner.end();
  const org = fixture.organization.id;
  const env = await serviceEnvironment('rt');
  const profileDir = args['cpu-prof-dir'];

  const worker = await startWorker(env, profileDir);
  started.push(worker);
  const apis: Service[] = [];
  for (const name of ['api-a', 'api-b']) {
    apis.push(await startApi(env, name, profileDir));
    started.push(apis[apis.length - 1]!);
  }
  const token = await login(apis[0]!, fixture.member.email, fixture.password);

  /** A socket to `api`, subscribed to the big project once this resolves. */
  const connect = async (api: Service): Promise<FrameSocket> => {
    const socket = await openFrameSocket(`${api.url.replace('http', 'ws')}/api/v1/realtime`, [
      'bearer',
      token,
    ]);
    await new Promise<void>((resolve, reject) => {
      socket.onText = (payload) => {
        const message = JSON.parse(payload.toString()) as { type: string };
        if (message.type === 'subscribed') resolve();
        else if (message.type === 'error') reject(new Error(payload.toString()));
      };
      socket.send(
        JSON.stringify({ type: 'subscribe', organization_id: org, project_id: fixture.project.id }),
      );
    });
    return socket;
  };

  log(`warming up: ${WARMUP} sockets opened and closed on each API`);
  for (const api of apis) {
    for (let i = 0; i < WARMUP; i += 50) {
      const batch = Array.from({ length: Math.min(50, WARMUP - i) }, () => connect(api));
      const sockets = await Promise.all(batch);
      await Promise.all(sockets.map((socket) => socket.close()));
    }
  }
  await new Promise((r) => setTimeout(r, 2_000));
  const rssBefore = await Promise.all(apis.map((a) => rssOf(a.pid)));
  log(`opening ${SOCKETS} sockets`);
  const subscribers: Subscriber[] = [];
  const open = async (i: number) => {
    const socket = await connect(apis[i % apis.length]!);
    const subscriber: Subscriber = {
      socket,
      moved: 0,
      heard: new Uint8Array(FRAME_CAPACITY),
      last: -1,
      lastTo: new Map(),
      outOfOrder: 0,
    };
    socket.onText = (raw) => {
      const at = Date.now();
      const frame = knownFrame(raw, subscriber.last);
      subscriber.last = frame.index;
      const move = frame.move;
      if (move === undefined) return;
      if (frame.index >= FRAME_CAPACITY) throw new Error('more distinct frames than moves');
      if (subscriber.heard[frame.index] === 1) return;
      subscriber.heard[frame.index] = 1;
      subscriber.moved += 1;
      latency.add(at - frame.occurredMs);
      if (frame.answeredMs === undefined && frame.key !== undefined) {
        // A task back at a column's unchanged bottom takes its old position again: an answer
        // from before the event's occurred_at is that earlier move's.
        const answered = answeredAt.get(frame.key);
        if (answered !== undefined && answered >= frame.occurredMs) frame.answeredMs = answered;
      }
      latencyFromAnswer.add(frame.answeredMs === undefined ? 0 : at - frame.answeredMs);
      if (move.to !== undefined) {
        const last = subscriber.lastTo.get(move.task);
        if (last !== undefined && move.from !== last) subscriber.outOfOrder += 1;
        subscriber.lastTo.set(move.task, move.to);
      }
    };
    subscribers.push(subscriber);
  };
  for (let i = 0; i < SOCKETS; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, SOCKETS - i) }, (_, j) => open(i + j)));
  }
  await new Promise((r) => setTimeout(r, 3_000));
  const rssIdle = await Promise.all(apis.map((a) => rssOf(a.pid)));
  const perSocketKb =
    rssIdle.reduce<number>((sum, rss, i) => sum + (rss ?? 0) - (rssBefore[i] ?? 0), 0) /
    1024 /
    SOCKETS;
  log(`idle sockets: ${perSocketKb.toFixed(1)} KB each; moving ${RATE}/s for ${DURATION_S} s`);

  // Open loop: one move every 1000/RATE ms whatever the answers, through both processes.
  let ok = 0;
  let failed = 0;
  const next = fixture.moveTasks.map(() => 0);
  const inFlight = new Set<Promise<void>>();
  const total = RATE * DURATION_S;
  const stopMeter = await meterCpu({ worker, api_a: apis[0]!, api_b: apis[1]! });
  const t0 = performance.now();
  for (let n = 0; n < total; n += 1) {
    const due = t0 + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const i = n % fixture.moveTasks.length;
    const status = fixture.moveStatuses[next[i]! % 2]!;
    next[i]! += 1;
    const api = apis[n % apis.length]!;
    const task = fixture.moveTasks[i]!;
    const sentAt = performance.now();
    const move = post(
      `${api.url}/api/v1/organizations/${org}/tasks/${task}/move`,
      token,
      JSON.stringify({ status_id: status }),
      (answer) => {
        const position = (JSON.parse(answer) as { data?: { position?: number } }).data?.position;
        if (position !== undefined) answeredAt.set(moveKey(task, position), Date.now());
        moveTimes.add(performance.now() - sentAt);
      },
    )
      .then((code) => {
        if (code >= 200 && code < 300) ok += 1;
        else failed += 1;
      })
      .catch(() => {
        failed += 1;
      })
      .finally(() => inFlight.delete(move));
    inFlight.add(move);
  }
  await Promise.all(inFlight);
  const used = await stopMeter();
  const settleUntil = Date.now() + 15_000;
  while (Date.now() < settleUntil && subscribers.some((s) => s.moved < ok)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const dispatchLag = await dispatchLagOf(worker);
  const lost = subscribers.reduce((sum, s) => sum + Math.max(0, ok - s.moved), 0);
  const outOfOrder = subscribers.reduce((sum, s) => sum + s.outOfOrder, 0);
  const result = {
    sockets: SOCKETS,
    rate: RATE,
    duration_s: DURATION_S,
    // Settings given to the services beyond their defaults (from this run's environment).
    settings: settingOverrides(),
    moves_ok: ok,
    moves_failed: failed,
    deliveries: latency.samples,
    // Commit-to-socket lies between these two: from `occurred_at`, stamped one round trip before
    // the COMMIT, and from the move's answer, which leaves after it (a lower bound). The move's
    // own time is not in either: what it waits for before its UPDATE answers (a connection, the
    // task's row, its column's lock) comes before both.
    latency_ms: latency.summary(),
    latency_from_answer_ms: latencyFromAnswer.summary(),
    move_ms: moveTimes.summary(),
    // The worker's share of it: from the event's write to its publish on the bus (the bucket's
    // upper bound in the worker's histogram, so a ceiling).
    dispatch_lag_ms: dispatchLag,
    lost,
    out_of_order: outOfOrder,
    idle_socket_kb: Math.round(perSocketKb * 10) / 10,
    rss_mb: rssIdle.map((rss) => Math.round((rss ?? 0) / 1024 / 1024)),
    // Cores each process used while the moves ran (`client`: the subscribers and the moves),
    // PostgreSQL's and Redis's too, and the machine's busy share (1: saturated).
    ...used,
  };
  console.log(JSON.stringify(result, null, 2));
  const dir = path.join(ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, `realtime-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  for (const s of subscribers) s.socket.terminate();
  agent.destroy();
}

try {
  await main();
} finally {
  for (const service of started.reverse()) await service.stop().catch(() => undefined);
}
