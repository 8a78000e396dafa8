// The listener of a process without the API (the worker): its probes and its metrics.
import Koa from 'koa';
import Router from '@koa/router';
import { mount, outerMiddleware, type App, type AppMiddleware, type HttpAppParts } from './app.js';
import type { RequestState, RouterFields } from './context.js';
import { allowedMethods } from './middleware/allowed-methods.js';
import { rejectMalformedUrl } from './middleware/text-guard.js';
import { operationsRoutes } from './operations/routes.js';

/** What a process without the API (the worker) serves for its probes and scrapes. */
const PROCESS_OPERATIONS = ['health', 'readiness', 'healthDetailed', 'metrics'];

/** The worker's listener: liveness, readiness, the detailed health and the metrics, nothing else. */
export function createOperationsApp(
  parts: Pick<HttpAppParts, 'logger' | 'operations' | 'observe'>,
): App {
  const routes = operationsRoutes(parts.operations, () => ({})).filter((spec) =>
    PROCESS_OPERATIONS.includes(spec.operationId),
  );
  // Every one of them is public: nothing here authenticates, parses a body or resolves access.
  const unused: AppMiddleware = () => {
    throw new Error('the operations app mounts public routes only');
  };
  const app: App = new Koa<RequestState, RouterFields>();
  const router = new Router<RequestState, RouterFields>();
  mount(router, routes, {
    auth: unused,
    userOnly: unused,
    body: unused,
    formBody: unused,
    idempotency: unused,
    resolve: () => Promise.reject(new Error('the operations app resolves no organization')),
    principalLimit: undefined,
  });
  for (const middleware of outerMiddleware(parts)) app.use(middleware);
  app.use(rejectMalformedUrl());
  app.use(allowedMethods());
  app.use(router.routes());
  return app;
}
