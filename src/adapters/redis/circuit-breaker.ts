// A circuit breaker for Redis calls: after a failure Redis is left alone and probed in the
// background, so a stalled Redis costs at most the calls already in flight, never every request.

export interface CircuitState {
  readonly open: boolean;
  /** Why it last opened (or why the last probe failed). */
  readonly reason: string | undefined;
  /** Calls that failed (timed out, errored) before the circuit opened: each one made its caller wait. */
  readonly failures: number;
  /** How many times it opened. */
  readonly trips: number;
  /** Background probes that failed (Redis still unreachable or stalled). */
  readonly failedProbes: number;
}

export interface CircuitBreaker {
  isOpen(): boolean;
  /** A call failed: open the circuit (if closed) and start probing. */
  fail(error: unknown): void;
  state(): CircuitState;
  /** Stops probing, for good. */
  stop(): void;
}

export interface CircuitBreakerOptions {
  /** Time between a failure (or a failed probe) and the next probe. */
  readonly cooldownMs: number;
  /** Resolves when Redis may be used again (e.g. PING); runs in the background while open. */
  readonly probe: () => Promise<void>;
  /**
   * Checked at the very moment of closing, after a successful probe: false runs the probe again at
   * once (work the probe does may have become due again while it ran).
   */
  readonly isHealed?: () => boolean;
}

export function circuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  let open = false;
  let reason: string | undefined;
  let failures = 0;
  let trips = 0;
  let failedProbes = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function probeLater(): void {
    if (stopped) return;
    timer = setTimeout(() => void probe(), options.cooldownMs);
    // A breaker waiting to probe never keeps the process alive.
    timer.unref();
  }

  async function probe(): Promise<void> {
    timer = undefined;
    try {
      await options.probe();
    } catch (error) {
      failedProbes++;
      reason = describe(error);
      probeLater();
      return;
    }
    if (stopped) return;
    if (options.isHealed?.() ?? true) open = false;
    else await probe();
  }

  return {
    isOpen: () => open,
    fail(error) {
      failures++;
      reason = describe(error);
      if (open) return;
      open = true;
      trips++;
      probeLater();
    },
    state: () => ({ open, reason, failures, trips, failedProbes }),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
