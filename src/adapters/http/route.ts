// A route is declared once: its schemas validate the request and describe it in the OpenAPI document.
import type { Middleware } from 'koa';
import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../../domain/shared/errors.js';
import type { AppContext, RequestState, RouterFields } from './context.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  readonly description: string;
  /** The schema of `data` inside the envelope; omitted for 204. */
  readonly data?: z.ZodType;
  /** Adds `meta.pagination` to the documented envelope. */
  readonly paginated?: boolean;
}

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  readonly method: HttpMethod;
  /** Koa-style path relative to the router's prefix, e.g. `/organizations/:org`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tags: readonly string[];
  /**
   * 'user' needs a user's access token; 'any' also takes an API key; 'none' is public.
   * Routes under `/organizations/:org` are resolved to the caller's access in that organization
   * before anything else runs (404 to non-members).
   */
  readonly auth: 'user' | 'any' | 'none';
  /**
   * For organization routes: the action the caller must hold in some scope (`member:manage`,
   * `task:update`), checked before the body is read (403). Use cases check it again, with the
   * resource for `:own` scopes.
   */
  readonly permission?: string;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** Request headers the route reads (documented only). */
  readonly headers?: z.ZodObject;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  readonly handler: (ctx: AppContext, input: RouteInput<P, Q, B>) => Promise<void>;
}

/** Keeps the generic types of a route while storing it in a plain list. */
export function route<P = undefined, Q = undefined, B = undefined>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}

function issuesOf(error: z.ZodError, where: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : where,
    message: issue.message,
  }));
}

function parsePart<T>(
  schema: z.ZodType<T> | undefined,
  value: unknown,
  where: string,
  issues: FieldIssue[],
): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  issues.push(...issuesOf(result.error, where));
  return undefined as T;
}

/** The koa middleware that validates params, query and body, then calls the handler. */
export function handlerOf(spec: RouteSpec): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext) => {
    const issues: FieldIssue[] = [];
    const params = parsePart(spec.params, ctx.params, 'path', issues);
    const query = parsePart(spec.query, ctx.query, 'query', issues);
    const body = parsePart(spec.body, ctx.request.body ?? {}, 'body', issues);
    if (issues.length > 0) throw new ValidationError(issues);
    await spec.handler(ctx, { params, query, body });
  };
}
