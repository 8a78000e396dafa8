// What one load run asks of bench/harness/load-worker.ts, and what it answers. The worker runs in a
// process of its own, so a plan is data (no functions): each kind says how to build every request.

/** Headers every request of a plan carries (the bearer token, mostly). */
export type Headers = Record<string, string>;

export type RequestPlan =
  /** The same request every time. */
  | {
      readonly kind: 'fixed';
      readonly method: 'GET' | 'POST';
      readonly path: string;
      readonly headers: Headers;
      readonly body?: unknown;
    }
  /** GET each path in turn. */
  | { readonly kind: 'paths'; readonly paths: readonly string[]; readonly headers: Headers }
  /** POST a task with a fresh title and a fresh Idempotency-Key each time. */
  | {
      readonly kind: 'create';
      readonly path: string;
      readonly headers: Headers;
      /** Marks the tasks (and keys) of this run, so they can be found and removed afterwards. */
      readonly marker: string;
      readonly body: Record<string, unknown>;
    }
  /**
   * Kanban moves: the tasks in turn, each to the bottom of the other column than last time
   * (`statuses[0]`, `statuses[1]`, …), so every move changes something.
   */
  | {
      readonly kind: 'move';
      /** With `{task}` where the task id goes. */
      readonly pathTemplate: string;
      readonly headers: Headers;
      readonly tasks: readonly string[];
      readonly statuses: readonly [string, string];
    }
  /** POST /auth/login for each email in turn. */
  | {
      readonly kind: 'login';
      readonly path: string;
      readonly emails: readonly string[];
      readonly password: string;
    }
  /** Each request drawn from the parts by weight. */
  | {
      readonly kind: 'mix';
      /** `name` labels the part's latencies in LoadResult.parts (even pacing only). */
      readonly parts: readonly { weight: number; plan: RequestPlan; name?: string }[];
    };

export interface LoadSpec {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Requests per second over all connections; unset: as fast as answered (closed loop). */
  readonly rate?: number | undefined;
  /**
   * How a rate is kept. `even` (the default): one request every 1/rate s, open loop, each latency
   * counted from the moment the request was due (so a stall is not hidden by sending less; at
   * most `connections` in flight, the rest wait their turn and that wait is counted).
   * `autocannon`: autocannon's -R, which lets each connection send its share of the second
   * back to back as the second starts, then idle — bursts of the full concurrency once a second.
   */
  readonly pacing?: 'even' | 'autocannon' | undefined;
  readonly timeoutSeconds: number;
  readonly plan: RequestPlan;
}

export interface LoadResult {
  /** Mean of autocannon's per-second request counts (all answers, any status). */
  readonly requestsPerSecond: number;
  /** Answers received (any status). */
  readonly total: number;
  /** Latency of the 2xx answers, milliseconds (autocannon's histogram: 1 ms resolution). */
  readonly latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Socket errors and timeouts (no answer). */
  readonly errors: number;
  readonly timeouts: number;
  /** Answers outside 2xx. */
  readonly non2xx: number;
  readonly statusCodes: Record<string, number>;
  readonly durationSeconds: number;
  /** Per named part of a mix (even pacing): answers and the 2xx latencies, milliseconds. */
  readonly parts?: Record<
    string,
    { count: number; p50: number; p90: number; p99: number; max: number }
  >;
}
