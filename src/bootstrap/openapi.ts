// Prints the OpenAPI document (for spectral in CI) without starting a server or opening a database.
import { apiRouteGroups } from '../adapters/http/app.js';
import { buildOpenApiDocument } from '../adapters/http/openapi.js';
import { operationsRoutes } from '../adapters/http/operations/routes.js';
import type { Deps } from '../application/deps.js';
import { VERSION } from './version.js';

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
const document = buildOpenApiDocument(
  [...apiRouteGroups(deps), { prefix: '', routes: ops }],
  VERSION,
);
process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
