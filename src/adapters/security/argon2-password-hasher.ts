// Password hashing with argon2id; verifying a dummy hash keeps unknown emails as slow as wrong passwords.
//
// @node-rs/argon2 (RustCrypto's argon2, prebuilt, no install script) rather than node-argon2: the
// same argon2id at the same parameters, writing and reading the same PHC strings, but it uses the
// CPU's AVX2 where there is one, where node-argon2's prebuilt binary is SSE2 only — on the
// benchmark machine a verify at the OWASP parameters took 8 ms of a core against 21 ms.
//
// The hashing runs on worker threads of its own ("lanes"), not on the libuv pool and not on the
// event loop: a burst of logins would otherwise fill the pool and every core with 8–20 ms jobs
// while reads wait. Each lane takes its jobs straight from its own queue, so one hash follows the
// other without waiting for a busy event loop to start it.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PasswordHasher } from '../../application/identity/ports.js';

export interface Argon2Params {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/** OWASP's first argon2id choice: 19 MiB of memory, 2 passes, 1 lane. */
export const OWASP_ARGON2_PARAMS: Argon2Params = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

/**
 * Hashes that may run at once: one per core. The lanes' nice value, not their number, keeps the
 * event loop and the database ahead of them; with a lane fewer, a core stood idle during logins.
 */
export const defaultHashLanes = (): number => Math.max(1, availableParallelism());

/** `Algorithm.Argon2id` of the library (a const enum, which isolated modules cannot import). */
const ARGON2ID = 2;

/** Where the library is, for the workers (eval'd code resolves modules from the cwd otherwise). */
const LIBRARY = createRequire(import.meta.url).resolve('@node-rs/argon2');

/**
 * The lanes' nice value (0 normal, 19 lowest): at 10 the scheduler weighs a lane at about a tenth
 * of the event loop, so reads keep their latency while logins run, and the lanes still take the
 * 0.5 core that 80 logins/s need (at 19 they fell behind: 70/s when reads saturated the machine).
 */
const LANE_NICE = 10;

/** A lane's code: hash or verify each message in turn, answer with its id. */
const LANE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const argon2 = require(workerData.library);
// Linux gives each thread its own nice value: this lane yields the cores to the event loop when
// both want one, and takes what is left (lowering one's own priority needs no privilege).
try { require('node:os').setPriority(0, workerData.nice); } catch {}
parentPort.on('message', ({ id, op, password, encoded, options }) => {
  try {
    const value = op === 'hash' ? argon2.hashSync(password, options) : argon2.verifySync(encoded, password);
    parentPort.postMessage({ id, value });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

type Job =
  | { readonly op: 'hash'; readonly password: string; readonly options: object }
  | { readonly op: 'verify'; readonly password: string; readonly encoded: string };

interface Pending {
  /** performance.now() when the job was handed to its lane. */
  readonly queuedAt: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Lane {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

export interface Argon2PasswordHasher extends PasswordHasher {
  /** Jobs waiting behind another on their lane (the running ones not counted): for the metrics. */
  queueDepth(): number;
}

export interface HashLaneObserver {
  /** A job started on its lane after waiting `seconds` for the jobs ahead of it (0 if none). */
  waited(seconds: number): void;
}

export function argon2PasswordHasher(
  params: Argon2Params = OWASP_ARGON2_PARAMS,
  lanes: number = defaultHashLanes(),
  observer?: HashLaneObserver,
): Argon2PasswordHasher {
  if (!Number.isInteger(lanes) || lanes < 1) throw new Error('lanes must be a whole number ≥ 1');
  const options = { algorithm: ARGON2ID, ...params };
  const running: (Lane | undefined)[] = Array.from({ length: lanes }, () => undefined);
  let nextId = 0;
  let dummyHash: Promise<string> | undefined;

  function start(index: number): Lane {
    const worker = new Worker(LANE_SOURCE, {
      eval: true,
      workerData: { library: LIBRARY, nice: LANE_NICE },
    });
    const lane: Lane = { worker, pending: new Map() };
    worker.on(
      'message',
      ({ id, value, error }: { id: number; value?: unknown; error?: string }) => {
        const job = lane.pending.get(id);
        lane.pending.delete(id);
        if (lane.pending.size === 0) worker.unref();
        // A lane works through its jobs in order: the oldest one left starts now.
        const next = lane.pending.values().next();
        if (next.done !== true) observer?.waited((performance.now() - next.value.queuedAt) / 1000);
        if (error === undefined) job?.resolve(value);
        else job?.reject(new Error(error));
      },
    );
    const fail = (error: Error) => {
      // A lane that died takes its jobs with it; the next job starts a new one.
      if (running[index] === lane) running[index] = undefined;
      for (const job of lane.pending.values()) job.reject(error);
      lane.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`argon2 lane exited with code ${code}`)));
    // An idle lane does not keep the process alive (a busy one does: see run). Set after the
    // listeners, since adding a 'message' listener refs the worker's port again.
    worker.unref();
    running[index] = lane;
    return lane;
  }

  /** The lane with the fewest jobs waiting (started on first use). */
  function laneFor(): Lane {
    let best: Lane | undefined;
    for (let i = 0; i < running.length; i += 1) {
      const lane = running[i] ?? start(i);
      if (best === undefined || lane.pending.size < best.pending.size) best = lane;
      if (lane.pending.size === 0) break;
    }
    return best!;
  }

  function run<T>(job: Job): Promise<T> {
    const lane = laneFor();
    const id = (nextId += 1);
    return new Promise<T>((resolve, reject) => {
      if (lane.pending.size === 0) {
        lane.worker.ref();
        observer?.waited(0);
      }
      lane.pending.set(id, { queuedAt: performance.now(), resolve, reject });
      lane.worker.postMessage({ id, ...job });
    });
  }

  async function verify(encoded: string, password: string): Promise<boolean> {
    try {
      return await run<boolean>({ op: 'verify', encoded, password });
    } catch {
      // A malformed or foreign hash is a failed login, not a server error.
      return false;
    }
  }

  return {
    queueDepth: () =>
      running.reduce((depth, lane) => depth + Math.max(0, (lane?.pending.size ?? 0) - 1), 0),
    hash: (password) => run<string>({ op: 'hash', password, options }),
    verify,
    async verifyDummy(password) {
      dummyHash ??= run<string>({
        op: 'hash',
        password: randomBytes(16).toString('base64url'),
        options,
      });
      await verify(await dummyHash, password);
    },
  };
}
