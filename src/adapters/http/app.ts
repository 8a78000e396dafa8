// The Koa application: middleware in order, then the routers of every area.
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { authenticate } from '../../application/identity/authenticate.js';
import type { Deps } from '../../application/deps.js';
import type { Logger } from '../../application/shared/ports.js';
import type { RequestState, RouterFields } from './context.js';
import { identityRoutes } from './identity/routes.js';
import { requireUser } from './middleware/authenticate.js';
import { jsonBody } from './middleware/body.js';
import { errorHandler } from './middleware/error-handler.js';
import { requestContext } from './middleware/request-context.js';
import { requestLog, type RequestObservation } from './middleware/request-log.js';
import { corsFor, securityHeaders } from './middleware/security.js';
import { buildOpenApiDocument, type RouteGroup } from './openapi.js';
import type { Operations } from './operations/probes.js';
import { operationsRoutes } from './operations/routes.js';
import { organizationRoutes } from './organizations/routes.js';
import { handlerOf, type RouteSpec } from './route.js';

export const API_PREFIX = '/api/v1';

export interface HttpOptions {
  readonly corsOrigins: readonly string[];
  readonly trustProxy: boolean;
  readonly bodyLimitBytes: number;
}

export interface HttpAppParts {
  readonly deps: Deps;
  readonly logger: Logger;
  readonly operations: Operations;
  readonly options: HttpOptions;
  readonly observe?: (observation: RequestObservation) => void;
}

type AppMiddleware = Middleware<RequestState, RouterFields>;

/** The API's routes grouped by mount prefix; the OpenAPI document and the router both read this. */
export function apiRouteGroups(deps: Deps): RouteGroup[] {
  return [{ prefix: API_PREFIX, routes: [...identityRoutes(deps), ...organizationRoutes(deps)] }];
}

function mount(
  router: Router<RequestState, RouterFields>,
  routes: readonly RouteSpec[],
  auth: AppMiddleware,
  body: AppMiddleware,
) {
  for (const spec of routes) {
    // Authenticate before reading a body: an anonymous caller never makes us parse one.
    const chain: AppMiddleware[] = [
      ...(spec.auth === 'user' ? [auth] : []),
      ...(spec.body ? [body] : []),
      handlerOf(spec),
    ];
    router.register(spec.path, [spec.method.toUpperCase()], chain as never);
  }
}

export function createHttpApp(parts: HttpAppParts): Koa<RequestState, RouterFields> {
  const { deps, logger, operations, options } = parts;
  const app = new Koa<RequestState, RouterFields>({ proxy: options.trustProxy });

  const api = apiRouteGroups(deps);
  const opsRoutes = operationsRoutes(operations, () => openApi);
  const openApi = buildOpenApiDocument(
    [...api, { prefix: '', routes: opsRoutes }],
    operations.version,
  );

  const auth = requireUser((token) => authenticate(deps, token));
  const body = jsonBody(options.bodyLimitBytes);
  const router = new Router<RequestState, RouterFields>();
  for (const group of api) {
    const sub = new Router<RequestState, RouterFields>({ prefix: group.prefix });
    mount(sub, group.routes, auth, body);
    router.use(sub.routes());
  }
  mount(router, opsRoutes, auth, body);

  app.use(requestContext(logger));
  app.use(requestLog(parts.observe ?? (() => undefined)));
  app.use(errorHandler());
  app.use(securityHeaders());
  app.use(corsFor(options.corsOrigins));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
