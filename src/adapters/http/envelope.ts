// The JSON envelope (docs/api.md, Conventions): every body is { success, data | error, meta }.
import type { ErrorBody } from './errors.js';
import type { AppContext } from './context.js';

export interface Pagination {
  readonly limit: number;
  readonly next_cursor: string | null;
  readonly has_more: boolean;
}

function meta(ctx: AppContext, pagination?: Pagination) {
  return {
    timestamp: new Date().toISOString(),
    request_id: ctx.state.requestId,
    ...(pagination && { pagination }),
  };
}

export interface RespondOptions {
  readonly status?: number;
  readonly pagination?: Pagination;
  /** The created resource's URL (locations.ts): required with status 201, sent as `Location`. */
  readonly location?: string;
}

export function respond(ctx: AppContext, data: unknown, options: RespondOptions = {}): void {
  const status = options.status ?? 200;
  if ((status === 201) !== (options.location !== undefined)) {
    throw new Error('A 201 answer names the created resource in Location, and only a 201 does');
  }
  ctx.status = status;
  if (options.location !== undefined) ctx.set('Location', options.location);
  ctx.body = { success: true, data, meta: meta(ctx, options.pagination) };
}

export function respondError(ctx: AppContext, status: number, error: ErrorBody): void {
  ctx.status = status;
  ctx.body = { success: false, error, meta: meta(ctx) };
}

/**
 * A list whose items are already JSON text (built by the database): spliced into the envelope
 * as they are, so the page is never parsed or re-serialized here.
 */
export function respondJsonItems(
  ctx: AppContext,
  items: readonly string[],
  pagination: Pagination,
): void {
  ctx.status = 200;
  ctx.type = 'application/json; charset=utf-8';
  ctx.body = `{"success":true,"data":[${items.join(',')}],"meta":${JSON.stringify(meta(ctx, pagination))}}`;
}
