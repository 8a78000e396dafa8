// The OpenAPI document the application serves, built without a server or a database: for
// `npm run openapi:lint` (openapi.ts) and for the tests' contract check (test/support/contract.ts).
import { apiRouteGroups } from '../adapters/http/app.js';
import { buildOpenApiDocument } from '../adapters/http/openapi.js';
import { operationsRoutes } from '../adapters/http/operations/routes.js';
import type { Deps } from '../application/deps.js';
import { VERSION } from './version.js';

export function openApiDocument(): ReturnType<typeof buildOpenApiDocument> {
  // Route specs only close over deps inside handlers, which never run here.
  const deps = {} as Deps;
  const ops = operationsRoutes(
    {
      version: VERSION,
      startedAt: new Date(),
      probes: [],
      isDraining: () => false,
      metrics: () => Promise.reject(new Error('unused')),
      jwks: () => ({ keys: [] }),
    },
    () => ({}),
  );
  return buildOpenApiDocument([...apiRouteGroups(deps), { prefix: '', routes: ops }], VERSION);
}
