// Ports every area may use: time, ids, cache, rate limits, work after the answer.

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new UUIDv7 (time-ordered). */
  next(): string;
}

/**
 * A key-value cache with TTL. Values are JSON-serializable. The cache is an optimization: an
 * adapter whose store cannot answer treats a read as a miss and a write as skipped, and a delete
 * it could not apply is never forgotten (the adapter stops serving what that delete was for);
 * callers still tolerate a rejected call (see `cached`).
 */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  /**
   * Taken before loading a value from its source. `set(…, since)` then stores the value only if
   * no delete happened since the mark: the delete may have been for the very value being
   * loaded, which would otherwise be written back stale after it.
   */
  mark(): CacheMark;
  /** Without `since`, stores unconditionally. */
  set(key: string, value: unknown, ttlSeconds: number, since?: CacheMark): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  /** Resolves when the backing store answers; used by health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What `Cache.mark` hands back: opaque to callers. */
export type CacheMark = string & { readonly cacheMark: true };

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window resets (≥ 1 when refused). */
  readonly resetSeconds: number;
}

/** A fixed-window counter per key: `points` per `durationSeconds`. */
export interface RateLimiter {
  readonly points: number;
  /** Counts one hit for `key`; refused once the key is over its points. */
  consume(key: string): Promise<RateLimitDecision>;
  /** The current state without counting a hit. */
  peek(key: string): Promise<RateLimitDecision>;
  reset(key: string): Promise<void>;
  /** Gives back one hit counted for `key` (never below zero): a hit that turned out not to count. */
  refund(key: string): Promise<void>;
}

/**
 * Work a request starts but does not wait for (the lookups that decide a mail, which is then a
 * job: application/jobs). `run` starts `work` at once and returns; a failure is logged, never
 * thrown at the caller.
 */
export interface BackgroundWork {
  run(name: string, work: (log: Logger) => Promise<void>): void;
  /** Resolves once every job started so far has settled (shutdown, tests). */
  idle(): Promise<void>;
}

/** Structured logging (pino's shape). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}
