// The Idempotency-Key store port: the first response to a request, kept per (organization, key),
// and the claim that lets exactly one of several identical concurrent requests run.

/** How long a response is kept for replay (docs/api.md, `Idempotency-Key`: 24 h). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long an attempt may hold a key before it counts as abandoned (its process died) and a
 * repeat may run instead. Longer than any request may take.
 */
export const IDEMPOTENCY_LOCK_MS = 60 * 1000;

/** A response as it is replayed: status, the headers that matter, and the body's exact text. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body exactly as first sent (JSON text); null when there was none. */
  readonly body: string | null;
}

export interface IdempotencyClaimRequest {
  readonly organizationId: string;
  readonly key: string;
  /** A digest of what the request asks (method, path, body, principal). */
  readonly requestHash: string;
  readonly now: Date;
  /** How long, from `now`, the response stays replayable. */
  readonly ttlMs: number;
  /** How long, from `now`, the attempt may run before another may take the key over. */
  readonly lockMs: number;
}

/**
 * - `claimed`: the caller runs the request, then `complete`s or `release`s the claim.
 * - `replay`: the key already answered this same request; send `response` again.
 * - `in_progress`: an attempt with this key is still running.
 * - `mismatch`: the key was used with a different request.
 * An expired row, and an abandoned attempt at the same request, count as absent.
 */
export type IdempotencyClaim =
  | { readonly outcome: 'claimed'; readonly claimId: string }
  | { readonly outcome: 'replay'; readonly response: StoredResponse }
  | { readonly outcome: 'in_progress' }
  | { readonly outcome: 'mismatch' };

/** Names one claim: only the attempt that holds it may complete or release it. */
export interface IdempotencyClaimRef {
  readonly organizationId: string;
  readonly key: string;
  readonly claimId: string;
}

/**
 * How a claimed attempt ended:
 * - `stored`: its answer is stored, committed with everything the attempt changed.
 * - `not_kept`: the attempt chose no answer to keep; nothing it changed is committed.
 * - `taken_over`: the claim was lost (the attempt ran past its lock and another took the key over);
 *   nothing it changed is committed.
 */
export type ClaimedAttemptOutcome = 'stored' | 'not_kept' | 'taken_over';

export interface IdempotencyStore {
  /** Atomically takes the key for this request, or says why not (across every instance). */
  claim(request: IdempotencyClaimRequest): Promise<IdempotencyClaim>;
  /**
   * Runs a claimed attempt so that its answer commits with its change: every unit of work it runs
   * joins one transaction, and the response `attempt` returns is stored in that transaction,
   * which then commits (a crash before leaves neither, after leaves both). `attempt` returns
   * undefined to keep no answer. When it throws, or the commit fails, nothing is committed and
   * the error is thrown; the claim is still held (the caller releases it).
   */
  runClaimed(
    claim: IdempotencyClaimRef,
    attempt: () => Promise<StoredResponse | undefined>,
  ): Promise<ClaimedAttemptOutcome>;
  /** Stores the response of a claimed attempt; false when the claim was lost (taken over). */
  complete(claim: IdempotencyClaimRef, response: StoredResponse): Promise<boolean>;
  /** Gives the key up (the attempt failed in a way a retry may fix): a repeat runs afresh. */
  release(claim: IdempotencyClaimRef): Promise<void>;
}
