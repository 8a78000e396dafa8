// Idempotency-Key on POSTs under /organizations/:org: the first answer (2xx or 4xx) is stored per
// (organization, key) and replayed to a repeat of the same request with `Idempotent-Replayed:
// true`; the key with another request → 422 IDEMPOTENCY_KEY_REUSED; a repeat while the first
// still runs → 409. A 5xx (or 429) is not stored: the key is released so a retry runs afresh.
// The handler's writes and the stored answer commit in one transaction (the store's
// `runClaimed`): a crash leaves both or neither, so a retry never runs a committed request again.
// Mounted after the body parser (it hashes the raw body) and right before the handler.
import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import { z } from 'zod';
import {
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_TTL_MS,
  type ClaimedAttemptOutcome,
  type IdempotencyClaimRef,
  type IdempotencyStore,
  type StoredResponse,
} from '../../../application/shared/idempotency.js';
import type { Clock } from '../../../application/shared/ports.js';
import { actorIdOf } from '../../../domain/identity/principal.js';
import { ConflictError, ValidationError } from '../../../domain/shared/errors.js';
import {
  routeTemplate,
  type AppContext,
  type RequestState,
  type RouterFields,
} from '../context.js';
import { respondError } from '../envelope.js';
import { HttpError, mapError } from '../errors.js';
import { principalOf } from './authenticate.js';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** 1–255 visible ASCII characters (no spaces, no control characters). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * The response headers a replay repeats; the rest (request id, timing) belong to each request.
 * Cache-Control: a new API key's `no-store` must hold for its replay too.
 */
const KEPT_HEADERS = ['ETag', 'Location', 'Cache-Control'] as const;

/** The header as the OpenAPI document describes it, on every POST under /organizations/{org}. */
export const idempotencyKeyHeaders = z.object({
  [IDEMPOTENCY_KEY_HEADER]: z
    .string()
    .regex(KEY_PATTERN)
    .optional()
    .meta({
      description:
        'Makes the request safe to retry: its first answer is kept 24 h and replayed ' +
        '(`Idempotent-Replayed: true`) for the same request; 422 IDEMPOTENCY_KEY_REUSED for ' +
        'another request; 409 while the first still runs. 1–255 visible ASCII characters.',
      example: 'b7a1c1e4-0d7e-4a8e-9a51-3f1f3c0b2a9d',
    }),
});

export interface IdempotencyOptions {
  readonly ttlMs?: number;
  readonly lockMs?: number;
  /** Told of each repeated key: replayed, still in progress (409), or reused (422). */
  readonly onRepeat?: (outcome: IdempotencyRepeat) => void;
}

export type IdempotencyRepeat = 'replayed' | 'in_progress' | 'key_reused';

/** 409 with Retry-After: the same request is running now; its answer will be replayable soon. */
class IdempotentRequestInProgressError extends ConflictError {
  readonly retryAfterSeconds = 1;
  constructor() {
    super('A request with this Idempotency-Key is still being processed');
  }
}

export function idempotency(
  store: IdempotencyStore,
  clock: Clock,
  options: IdempotencyOptions = {},
): Middleware<RequestState, RouterFields> {
  const ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
  const lockMs = options.lockMs ?? IDEMPOTENCY_LOCK_MS;
  const onRepeat = options.onRepeat ?? (() => undefined);
  return async (ctx: AppContext, next) => {
    const key = ctx.method === 'POST' ? idempotencyKeyOf(ctx) : undefined;
    if (key === undefined) {
      await next();
      return;
    }
    const organizationId = ctx.state.organizationId;
    if (organizationId === undefined) throw new Error('idempotency() on a route without :org');

    const claim = await store.claim({
      organizationId,
      key,
      requestHash: requestHashOf(ctx, organizationId),
      now: clock.now(),
      ttlMs,
      lockMs,
    });
    switch (claim.outcome) {
      case 'replay':
        onRepeat('replayed');
        replay(ctx, claim.response);
        return;
      case 'in_progress':
        onRepeat('in_progress');
        throw new IdempotentRequestInProgressError();
      case 'mismatch':
        onRepeat('key_reused');
        throw new HttpError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with a different request',
        );
      case 'claimed':
        break;
    }

    const held: IdempotencyClaimRef = { organizationId, key, claimId: claim.claimId };
    let outcome: ClaimedAttemptOutcome;
    try {
      // The handler's units of work and the stored answer commit together, or neither does.
      outcome = await store.runClaimed(held, async () => {
        try {
          await next();
        } catch (error) {
          const mapped = mapError(error);
          if (!isReplayable(mapped.status)) throw error;
          // Rendered here, as the error handler would, so that the stored bytes are the sent bytes.
          for (const [name, value] of Object.entries(mapped.headers)) ctx.set(name, value);
          respondError(ctx, mapped.status, mapped.body);
        }
        return storableResponse(ctx);
      });
    } catch (error) {
      // Nothing of the attempt is committed: the key is released so a retry runs afresh.
      forgetKeptHeaders(ctx);
      await releaseQuietly(ctx, store, held);
      throw error;
    }
    switch (outcome) {
      case 'stored':
        return;
      case 'not_kept':
        await releaseQuietly(ctx, store, held);
        return;
      case 'taken_over':
        // Another attempt holds the key now; a retry gets its answer.
        forgetKeptHeaders(ctx);
        throw new IdempotentRequestInProgressError();
    }
  };
}

/** Drops the headers of an answer that is not sent after all (an error replaces it). */
function forgetKeptHeaders(ctx: AppContext): void {
  for (const name of KEPT_HEADERS) ctx.remove(name);
}

/** The header's value; undefined when absent; 422 when present but malformed. */
function idempotencyKeyOf(ctx: AppContext): string | undefined {
  const raw = ctx.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !KEY_PATTERN.test(raw)) {
    throw ValidationError.field(IDEMPOTENCY_KEY_HEADER, 'Must be 1–255 visible ASCII characters');
  }
  return raw;
}

/**
 * SHA-256 of what the request asks: method, route, path parameters (the organization by id, so
 * its slug and id name the same request), query, who asks, and the body's exact bytes.
 */
function requestHashOf(ctx: AppContext, organizationId: string): string {
  const params = Object.entries(ctx.params)
    .map(([name, value]) => [name, name === 'org' ? organizationId : value])
    .sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1));
  const principal = principalOf(ctx);
  const rawBody: unknown = (ctx.request as { rawBody?: unknown }).rawBody;
  const parts = [
    ctx.method,
    routeTemplate(ctx),
    params,
    ctx.querystring,
    `${principal.kind}:${actorIdOf(principal)}`,
    typeof rawBody === 'string' ? rawBody : '',
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Answers a client error or a success again; not a server error or a rate limit (retry may differ). */
function isReplayable(status: number): boolean {
  return status < 500 && status !== 429;
}

/** The answer as it will be sent, or undefined when it must not be kept. */
function storableResponse(ctx: AppContext): StoredResponse | undefined {
  if (!isReplayable(ctx.status)) return undefined;
  const body: unknown = ctx.body;
  let text: string | null;
  if (body === undefined || body === null) text = null;
  else if (Array.isArray(body) || Object.getPrototypeOf(body) === Object.prototype) {
    // What koa sends for an object body: JSON.stringify without spacing.
    text = JSON.stringify(body);
  } else return undefined;
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = ctx.response.get(name);
    if (value !== '') headers[name] = value;
  }
  return { status: ctx.status, headers, body: text };
}

function replay(ctx: AppContext, response: StoredResponse): void {
  ctx.status = response.status;
  for (const [name, value] of Object.entries(response.headers)) ctx.set(name, value);
  ctx.set(REPLAYED_HEADER, 'true');
  if (response.body !== null) {
    ctx.body = response.body;
    ctx.type = 'application/json';
  }
}

async function releaseQuietly(
  ctx: AppContext,
  store: IdempotencyStore,
  held: IdempotencyClaimRef,
): Promise<void> {
  try {
    await store.release(held);
  } catch (error) {
    // The claim lapses after its lock time; until then repeats answer 409.
    ctx.state.log.error(
      { err: error, idempotency_key: held.key },
      'releasing idempotency key failed',
    );
  }
}
