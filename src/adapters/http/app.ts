// The Koa application: middleware in order, then the routers of every area.
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { authenticateApiKey, looksLikeApiKey } from '../../application/access/api-key-auth.js';
import { resolveAccess } from '../../application/access/resolve-access.js';
import { authenticate } from '../../application/identity/authenticate.js';
import type { Deps } from '../../application/deps.js';
import type { Logger, RateLimiter } from '../../application/shared/ports.js';
import type { RequestState, RouterFields } from './context.js';
import { requireCredential, requireUserPrincipal } from './middleware/authenticate.js';
import { organizationAccess, type AccessResolver } from './middleware/organization-access.js';
import { allowedMethods } from './middleware/allowed-methods.js';
import { formBody, jsonBody } from './middleware/body.js';
import { compress } from './middleware/compress.js';
import { errorHandler } from './middleware/error-handler.js';
import { idempotency, type IdempotencyRepeat } from './middleware/idempotency.js';
import { requestContext } from './middleware/request-context.js';
import { requestLog, type RequestObservation } from './middleware/request-log.js';
import {
  addressKey,
  principalKey,
  rateLimit,
  type RateLimitScope,
} from './middleware/rate-limit.js';
import { corsFor, securityHeaders } from './middleware/security.js';
import { startGate } from './middleware/start-gate.js';
import { rejectMalformedUrl, rejectUnsafeParams } from './middleware/text-guard.js';
import { apiRouteGroups } from './api-routes.js';
import { buildOpenApiDocument } from './openapi.js';

export { apiRouteGroups };
import type { Operations } from './operations/probes.js';
import { servedOn } from './operations/listeners.js';
import { operationsRoutes } from './operations/routes.js';
import { pagesRoutes } from './pages/routes.js';
import { statusPagesRoutes } from './pages/status-pages.js';
import { handlerOf, type RouteSpec } from './route.js';
import { API_PREFIX } from './locations.js';

export interface HttpOptions {
  readonly corsOrigins: readonly string[];
  readonly trustProxy: boolean;
  /** With trustProxy: the client address is this many X-Forwarded-For values from the right. */
  readonly proxyHops?: number;
  readonly bodyLimitBytes: number;
  /** How long an Idempotency-Key attempt may hold its key before a repeat may take it over. */
  readonly idempotencyLockMs?: number;
}

export interface HttpAppParts {
  readonly deps: Deps;
  readonly logger: Logger;
  readonly operations: Operations;
  readonly options: HttpOptions;
  readonly observe?: (observation: RequestObservation) => void;
  /** Told of each repeated Idempotency-Key (for the metrics). */
  readonly onIdempotentRepeat?: (outcome: IdempotencyRepeat) => void;
  /** False while the database is not ready at start: the API answers 503 meanwhile. */
  readonly isReady?: () => boolean;
  /**
   * The operations that tell how the instance is built (metrics, detailed health, the reference
   * page) on an app of their own, for a listener of their own (ADMIN_PORT); the API's app answers
   * 404 for them. Unset: the API's app serves every operation.
   */
  readonly adminListener?: boolean;
  /** The API's general limits; either may be absent (disabled). */
  readonly rateLimits?: {
    readonly perAddress?: RateLimiter | undefined;
    readonly perPrincipal?: RateLimiter | undefined;
    readonly onThrottled?: (scope: RateLimitScope) => void;
  };
}

/** Probes, metrics and documents are never rate limited: monitors and load balancers poll them. */
function isUnlimitedPath(path: string): boolean {
  return (
    path === '/metrics' ||
    path === '/health' ||
    path.startsWith('/health/') ||
    path === '/docs' ||
    path.startsWith('/docs/') ||
    path.startsWith('/.well-known/') ||
    path === `${API_PREFIX}/openapi.json`
  );
}

export type AppMiddleware = Middleware<RequestState, RouterFields>;
export type App = Koa<RequestState, RouterFields>;

export interface HttpApps {
  /** The API (PORT). */
  readonly api: App;
  /** The operational endpoints (ADMIN_PORT) when `adminListener` is set. */
  readonly admin: App | undefined;
}

interface MountParts {
  readonly auth: AppMiddleware;
  /** Per principal, right after authentication; absent when disabled. */
  readonly principalLimit?: AppMiddleware | undefined;
  readonly userOnly: AppMiddleware;
  readonly body: AppMiddleware;
  readonly formBody: AppMiddleware;
  readonly resolve: AccessResolver;
  readonly idempotency: AppMiddleware;
}

export function mount(
  router: Router<RequestState, RouterFields>,
  routes: readonly RouteSpec[],
  parts: MountParts,
) {
  for (const spec of routes) {
    // Authenticate and authorize before reading a body: a caller who may not act never makes us
    // parse one, and learns nothing from validation errors.
    const chain: AppMiddleware[] = [
      // Every string of the path and query is checked before anything reads one.
      rejectUnsafeParams(),
      // What runs is read from the route's metadata (route.ts checks it against the path).
      ...(spec.scope === 'public' ? [] : [parts.auth]),
      ...(spec.scope !== 'public' && parts.principalLimit ? [parts.principalLimit] : []),
      ...(spec.scope !== 'public' && !spec.apiKeys ? [parts.userOnly] : []),
      ...(spec.scope === 'organization'
        ? [organizationAccess(parts.resolve, spec.permission)]
        : []),
      // A multipart body is streamed by its handler, never parsed ahead.
      ...(spec.body && spec.bodyType !== 'multipart'
        ? [spec.bodyType === 'form' ? parts.formBody : parts.body]
        : []),
      // After the body parser (it hashes the raw body), wrapping the handler to keep its answer.
      ...(spec.idempotent ? [parts.idempotency] : []),
      handlerOf(spec),
    ];
    router.register(spec.path, [spec.method.toUpperCase()], chain as never);
  }
}

/** Outermost, on both listeners: request id and log line, compression, the envelope, headers. */
export function outerMiddleware(parts: Pick<HttpAppParts, 'logger' | 'observe'>): AppMiddleware[] {
  return [
    requestContext(parts.logger),
    requestLog(parts.observe ?? (() => undefined)),
    compress(),
    errorHandler(),
    securityHeaders(),
  ];
}

/** The admin listener's app: the operations alone; no CORS, rate limits or start gate. */
function createAdminApp(parts: HttpAppParts, routes: readonly RouteSpec[], mountParts: MountParts) {
  const app: App = new Koa<RequestState, RouterFields>();
  const router = new Router<RequestState, RouterFields>();
  mount(router, routes, mountParts);
  for (const middleware of outerMiddleware(parts)) app.use(middleware);
  app.use(rejectMalformedUrl());
  app.use(allowedMethods());
  app.use(router.routes());
  return app;
}

export function createHttpApp(parts: HttpAppParts): HttpApps {
  const { deps, operations, options } = parts;
  const limits = parts.rateLimits;
  // Koa takes the leftmost of the last `maxIpsCount` values: the address the outermost trusted
  // proxy saw. The values left of it are whatever the client sent, so they are never read.
  const app = new Koa<RequestState, RouterFields>({
    proxy: options.trustProxy,
    maxIpsCount: options.trustProxy ? Math.max(1, options.proxyHops ?? 1) : 0,
  });

  const api = apiRouteGroups(deps);
  const opsRoutes = operationsRoutes(operations, () => openApi);
  // The document is the same on both listeners, whichever serves an operation.
  const openApi = buildOpenApiDocument(
    [...api, { prefix: '', routes: opsRoutes }],
    operations.version,
  );

  const mountParts: MountParts = {
    auth: requireCredential((token) =>
      looksLikeApiKey(token) ? authenticateApiKey(deps, token) : authenticate(deps, token),
    ),
    userOnly: requireUserPrincipal(),
    body: jsonBody(options.bodyLimitBytes),
    formBody: formBody(options.bodyLimitBytes),
    idempotency: idempotency(deps.idempotency, deps.clock, {
      ...(options.idempotencyLockMs !== undefined && { lockMs: options.idempotencyLockMs }),
      ...(parts.onIdempotentRepeat && { onRepeat: parts.onIdempotentRepeat }),
    }),
    resolve: (principal, ref) => resolveAccess(deps, principal, ref),
    principalLimit:
      limits?.perPrincipal &&
      rateLimit(limits.perPrincipal, {
        scope: 'principal',
        keyOf: (ctx) => principalKey(ctx.state.principal),
        ...(limits.onThrottled && { onThrottled: limits.onThrottled }),
      }),
  };
  const router = new Router<RequestState, RouterFields>();
  for (const group of api) {
    const sub = new Router<RequestState, RouterFields>({ prefix: group.prefix });
    mount(sub, group.routes, mountParts);
    router.use(sub.routes());
  }
  const onApi = opsRoutes.filter((r) => servedOn(r.operationId, 'api'));
  mount(router, parts.adminListener ? onApi : opsRoutes, mountParts);
  // The email-link pages: HTML for people, not API operations, so not in the OpenAPI document.
  mount(router, [...pagesRoutes(), ...statusPagesRoutes(deps)], mountParts);

  for (const middleware of outerMiddleware(parts)) app.use(middleware);
  app.use(corsFor(options.corsOrigins));
  if (limits?.perAddress) {
    app.use(
      rateLimit(limits.perAddress, {
        scope: 'address',
        keyOf: (ctx) => (isUnlimitedPath(ctx.path) ? undefined : addressKey(ctx.ip)),
        ...(limits.onThrottled && { onThrottled: limits.onThrottled }),
      }),
    );
  }
  if (parts.isReady) {
    const isApi = (path: string) =>
      path.startsWith(`${API_PREFIX}/`) && path !== `${API_PREFIX}/openapi.json`;
    app.use(startGate(parts.isReady, isApi));
  }
  app.use(rejectMalformedUrl());
  app.use(allowedMethods());
  app.use(router.routes());
  const onAdmin = opsRoutes.filter((r) => servedOn(r.operationId, 'admin'));
  return {
    api: app,
    admin: parts.adminListener ? createAdminApp(parts, onAdmin, mountParts) : undefined,
  };
}
