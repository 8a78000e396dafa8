// What the operations routes need from the rest of the system, handed in by the composition root.

export type ProbeStatus = 'ok' | 'degraded' | 'down';

export interface ProbeResult {
  readonly status: ProbeStatus;
  readonly [figure: string]: unknown;
}

export interface HealthProbe {
  readonly name: string;
  /** A critical probe that is down makes the instance not ready; others only degrade it. */
  readonly critical: boolean;
  check(): Promise<ProbeResult>;
}

export interface Operations {
  readonly version: string;
  readonly startedAt: Date;
  readonly probes: readonly HealthProbe[];
  isDraining(): boolean;
  metrics(): Promise<{ contentType: string; body: string }>;
  jwks(): { keys: unknown[] };
}
