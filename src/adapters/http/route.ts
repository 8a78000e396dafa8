// A route is declared once: its schemas validate the request and describe it in the OpenAPI document.
import type { Middleware } from 'koa';
import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../../domain/shared/errors.js';
import type { AppContext, RequestState, RouterFields } from './context.js';
import type { ResponseHeader } from './headers.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  readonly description: string;
  /** The schema of `data` inside the envelope; omitted for 204. */
  readonly data?: z.ZodType;
  /** Adds `meta.pagination` to the documented envelope. */
  readonly paginated?: boolean;
  /**
   * An answer that is not the envelope (a JWKS, Prometheus text, HTML): each media type it comes
   * in, with the schema of its body. Instead of `data`.
   */
  readonly content?: Readonly<Record<string, z.ZodType>>;
  /**
   * The headers this answer carries (headers.ts), beyond those openapi.ts adds by rule: the
   * request id and timing everywhere, RateLimit-* on rate-limited routes, Retry-After on 429 and
   * 503, WWW-Authenticate on 401, Location on 201, Idempotent-Replayed on idempotent routes.
   */
  readonly headers?: readonly ResponseHeader[];
}

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
}

/**
 * Who may call a route, and what the router resolves before it runs:
 * - 'public': no credential;
 * - 'user': a signed-in user acting on their own account (a user's access token; an API key too
 *   when the route says `apiKeys: true`);
 * - 'organization': a route under `/organizations/:org`; a user's token or an API key, resolved
 *   to the caller's access in that organization before anything else runs (404 to non-members).
 */
export type RouteScope = 'public' | 'user' | 'organization';

/** A route as its area declares it; `route()` checks it and fills in the defaults. */
export interface RouteDeclaration<P = unknown, Q = unknown, B = unknown> {
  readonly method: HttpMethod;
  /** Koa-style path relative to the router's prefix, e.g. `/organizations/:org`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** The operation's description in the document when it needs more than the summary. */
  readonly description?: string;
  readonly tags: readonly string[];
  readonly scope: RouteScope;
  /**
   * Whether an API key may call it (else only a user's access token): by default yes in
   * organization scope, no in user scope; never in public scope.
   */
  readonly apiKeys?: boolean;
  /**
   * Whether it honours Idempotency-Key (stored per organization): by default every POST in
   * organization scope.
   */
  readonly idempotent?: boolean;
  /**
   * For organization routes: the action the caller must hold in some scope (`member:manage`,
   * `task:update`), checked before the body is read (403). Use cases check it again, with the
   * resource for `:own` scopes.
   */
  readonly permission?: string;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /**
   * How the body comes: JSON (the default) or a form, `application/x-www-form-urlencoded` (only
   * the one-click unsubscribe, whose POST RFC 8058 fixes), or `multipart/form-data` (uploads): a
   * multipart body is never parsed before the handler, which streams it (`body` only documents
   * it and is not validated; the handler checks the parts).
   */
  readonly bodyType?: 'json' | 'form' | 'multipart';
  /** Request headers the route reads (documented only). */
  readonly headers?: z.ZodObject;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  readonly handler: (ctx: AppContext, input: RouteInput<P, Q, B>) => Promise<void>;
}

/** A checked route: the router and the OpenAPI document read its metadata, never its path. */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown> extends RouteDeclaration<
  P,
  Q,
  B
> {
  readonly apiKeys: boolean;
  readonly idempotent: boolean;
}

/** Where the organization sits in a path: the scope and the path must say the same thing. */
const ORGANIZATION_SEGMENT = /(^|\/):org(\/|$)/;

function invalid(spec: { method: HttpMethod; path: string }, problem: string): Error {
  return new Error(`Route ${spec.method.toUpperCase()} ${spec.path}: ${problem}`);
}

/**
 * Checks a route's metadata against its path and fills in the defaults. Called while the routes
 * are listed, so a route whose scope and path disagree stops the application from starting.
 * Keeps the generic types of a route while storing it in a plain list.
 */
export function route<P = undefined, Q = undefined, B = undefined>(
  declaration: RouteDeclaration<P, Q, B>,
): RouteSpec {
  const spec = declaration as unknown as RouteDeclaration<never, never, never>;
  const inOrganization = spec.scope === 'organization';
  if (ORGANIZATION_SEGMENT.test(spec.path) !== inOrganization) {
    throw invalid(
      spec,
      inOrganization
        ? "scope 'organization' needs an :org path segment"
        : `a path with :org needs scope 'organization', not '${spec.scope}'`,
    );
  }
  if (spec.scope === 'public' && spec.apiKeys) {
    throw invalid(spec, 'a public route takes no credential, so no API key');
  }
  for (const [status, response] of Object.entries(spec.responses)) {
    if (response.data !== undefined && response.content !== undefined) {
      throw invalid(spec, `the ${status} answer is the envelope (data) or not (content), not both`);
    }
  }
  const apiKeys = spec.apiKeys ?? inOrganization;
  const idempotent = spec.idempotent ?? (inOrganization && spec.method === 'post');
  if (idempotent && (!inOrganization || spec.method === 'get')) {
    // Answers are stored per organization (middleware/idempotency.ts).
    throw invalid(spec, "Idempotency-Key is for writes in scope 'organization'");
  }
  return { ...spec, apiKeys, idempotent } as unknown as RouteSpec;
}

/**
 * One issue per field. An unknown key (a strict object's `unrecognized_keys`) is named as the
 * field itself, like every other issue: `{field: "sort_by", message: "Unknown query parameter"}`.
 */
function issuesOf(
  error: z.ZodError,
  where: string,
  unknownKey: (key: string) => string,
): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...issue.path, key].join('.'),
        message: unknownKey(key),
      }));
    }
    return [
      {
        field: issue.path.length > 0 ? issue.path.join('.') : where,
        message: issue.message,
      },
    ];
  });
}

interface Part<T> {
  readonly schema: z.ZodType<T> | undefined;
  readonly where: 'path' | 'query' | 'body';
  /** The message of an unknown key. */
  readonly unknownKey: (key: string) => string;
}

function parsePart<T>(part: Part<T>, value: unknown, issues: FieldIssue[]): T {
  if (!part.schema) return undefined as T;
  const result = part.schema.safeParse(value);
  if (result.success) return result.data;
  issues.push(...issuesOf(result.error, part.where, part.unknownKey));
  return undefined as T;
}

const PAGING_PARAMETERS = new Set(['limit', 'cursor']);

/** A route that answers a list in one piece: its 200 is an array without `meta.pagination`. */
function answersWholeList(spec: RouteSpec): boolean {
  const ok = spec.responses[200];
  return ok?.data instanceof z.ZodArray && ok.paginated !== true;
}

/**
 * Strict unless loose on purpose: an object schema that says nothing of unknown keys refuses
 * them; one that does (`.strict()`, `z.looseObject`) is kept as declared.
 */
function refusingUnknownKeys(schema: z.ZodObject): z.ZodObject {
  return schema._zod.def.catchall === undefined ? schema.strict() : schema;
}

/**
 * The one rule for unknown input: a query parameter or body field the route does not declare
 * is a 422 naming it. Applied here, once per route, so no schema has to remember it: a route
 * that declares no query takes no parameter at all, and a body object is strict at its top
 * level (nested objects say `.strict()` themselves). A loose object (`z.looseObject`) keeps
 * its unknown keys: only the email-link pages declare one (mail services add tracking
 * parameters to links, and the pages read nothing from the query).
 */
export function strictQuery(spec: RouteSpec): z.ZodType {
  const declared = spec.query;
  if (declared === undefined) return z.object({}).strict();
  if (!(declared instanceof z.ZodObject)) {
    throw invalid(spec, 'a query schema must be a zod object');
  }
  return refusingUnknownKeys(declared);
}

export function strictBody(spec: RouteSpec): z.ZodType | undefined {
  const declared = spec.body;
  return declared instanceof z.ZodObject ? refusingUnknownKeys(declared) : declared;
}

/** The koa middleware that validates params, query and body, then calls the handler. */
export function handlerOf(spec: RouteSpec): Middleware<RequestState, RouterFields> {
  const wholeList = answersWholeList(spec);
  const parts: { params: Part<unknown>; query: Part<unknown>; body: Part<unknown> } = {
    params: { schema: spec.params, where: 'path', unknownKey: () => 'Unknown path parameter' },
    query: {
      schema: strictQuery(spec),
      where: 'query',
      // `limit` or `cursor` on a list answered whole: say why the route has no such parameter.
      unknownKey: (key) =>
        wholeList && PAGING_PARAMETERS.has(key)
          ? 'Unknown query parameter: this list is not paged, it answers the whole set'
          : 'Unknown query parameter',
    },
    body: { schema: strictBody(spec), where: 'body', unknownKey: () => 'Unknown field' },
  };
  return async (ctx: AppContext) => {
    const issues: FieldIssue[] = [];
    const params = parsePart(parts.params, ctx.params, issues);
    const query = parsePart(parts.query, ctx.query, issues);
    const body =
      spec.bodyType === 'multipart'
        ? undefined
        : parsePart(parts.body, ctx.request.body ?? {}, issues);
    if (issues.length > 0) throw new ValidationError(issues);
    await spec.handler(ctx, { params, query, body });
  };
}
