// Route metadata: every route declares its scope, `route()` derives Idempotency-Key handling from
// it, and a scope that disagrees with the path stops the application while it lists its routes.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiRouteGroups } from '../../../src/adapters/http/app.js';
import { servedOn } from '../../../src/adapters/http/operations/listeners.js';
import { operationsRoutes } from '../../../src/adapters/http/operations/routes.js';
import { pagesRoutes } from '../../../src/adapters/http/pages/routes.js';
import {
  route,
  strictBody,
  strictQuery,
  type RouteDeclaration,
} from '../../../src/adapters/http/route.js';
import type { Deps } from '../../../src/application/deps.js';

const base = {
  operationId: 'testRoute',
  summary: 'A route under test',
  tags: ['Tests'],
  responses: { 204: { description: 'Done' } },
  handler: () => Promise.resolve(),
} as const;

function declare(fields: Pick<RouteDeclaration, 'method' | 'path' | 'scope'> & object) {
  return () => route({ ...base, ...fields });
}

describe('route()', () => {
  it.each([
    ['user', '/organizations/:org/things'],
    ['public', '/organizations/:org'],
    ['user', '/things/:org'],
  ] as const)('refuses scope %s on %s (the path names an organization)', (scope, path) => {
    expect(declare({ method: 'get', path, scope })).toThrow(
      `Route GET ${path}: a path with :org needs scope 'organization', not '${scope}'`,
    );
  });

  it.each(['/organizations', '/organizations/:organization_id', '/things/:id'])(
    'refuses scope organization on %s (no :org segment)',
    (path) => {
      expect(declare({ method: 'post', path, scope: 'organization' })).toThrow(
        `Route POST ${path}: scope 'organization' needs an :org path segment`,
      );
    },
  );

  it('refuses an API key on a public route', () => {
    expect(() =>
      route({ ...base, method: 'get', path: '/x', scope: 'public', apiKeys: true }),
    ).toThrow('a public route takes no credential');
  });

  it('refuses Idempotency-Key outside organization scope and on a GET', () => {
    expect(() =>
      route({ ...base, method: 'post', path: '/me', scope: 'user', idempotent: true }),
    ).toThrow("Idempotency-Key is for writes in scope 'organization'");
    expect(() =>
      route({
        ...base,
        method: 'get',
        path: '/organizations/:org',
        scope: 'organization',
        idempotent: true,
      }),
    ).toThrow("Idempotency-Key is for writes in scope 'organization'");
  });

  it.each([
    ['post', '/organizations/:org/things', 'organization', true, true],
    ['patch', '/organizations/:org/things/:id', 'organization', true, false],
    ['get', '/organizations/:org', 'organization', true, false],
    ['post', '/organizations', 'user', false, false],
    ['post', '/auth/login', 'public', false, false],
  ] as const)(
    '%s %s in scope %s: API keys %s, idempotent %s by default',
    (method, path, scope, apiKeys, idempotent) => {
      expect(route({ ...base, method, path, scope })).toMatchObject({ scope, apiKeys, idempotent });
    },
  );

  it('keeps an explicit opt-out of Idempotency-Key and of API keys', () => {
    const spec = route({
      ...base,
      method: 'post',
      path: '/organizations/:org/things',
      scope: 'organization',
      apiKeys: false,
      idempotent: false,
    });
    expect(spec).toMatchObject({ apiKeys: false, idempotent: false });
  });
});

describe("the application's routes", () => {
  // Listing them runs route() on every spec: this is what the application does at start-up.
  const specs = [
    ...apiRouteGroups({} as Deps).flatMap((group) => group.routes),
    ...operationsRoutes({} as never, () => ({})),
    ...pagesRoutes(),
  ];

  it('list without a disagreement between scope and path', () => {
    expect(specs.length).toBeGreaterThan(80);
    for (const spec of specs) {
      expect(spec.scope === 'organization', `${spec.method} ${spec.path}`).toBe(
        spec.path.startsWith('/organizations/:org'),
      );
    }
  });

  it('take Idempotency-Key on exactly the POSTs in organization scope but streamed uploads', () => {
    const idempotent = specs.filter((spec) => spec.idempotent);
    expect(idempotent.length).toBeGreaterThan(0);
    // A multipart upload is streamed to the blob store: no body is kept to compare or replay.
    expect(idempotent).toEqual(
      specs.filter(
        (spec) =>
          spec.method === 'post' && spec.scope === 'organization' && spec.bodyType !== 'multipart',
      ),
    );
  });

  it('let an API key call only organization routes, whoami and the organization list', () => {
    const outside = specs.filter((spec) => spec.apiKeys && spec.scope !== 'organization');
    expect(outside.map((spec) => `${spec.method} ${spec.path}`).sort()).toEqual([
      'get /auth/whoami',
      'get /organizations',
    ]);
  });

  it('name where each operation is served beside an admin listener (ADMIN_PORT)', () => {
    const where = Object.fromEntries(
      operationsRoutes({} as never, () => ({})).map((spec) => [
        `${spec.method} ${spec.path}`,
        (['api', 'admin'] as const).filter((listener) => servedOn(spec.operationId, listener)),
      ]),
    );
    expect(where).toEqual({
      'get /health': ['api', 'admin'],
      'get /health/ready': ['api', 'admin'],
      'get /health/detailed': ['admin'],
      'get /metrics': ['admin'],
      'get /.well-known/jwks.json': ['api'],
      'get /api/v1/openapi.json': ['api', 'admin'],
      'get /docs': ['admin'],
      'get /docs/assets/:file': ['admin'],
    });
    expect(() => servedOn('somethingNew', 'api')).toThrow(/somethingNew: no listener named/);
  });

  it('refuse an unknown query parameter and an unknown top-level body field, but on the email-link pages', () => {
    // The pages are the routes that declare a loose query; their assets declare none.
    for (const spec of specs) {
      const page = spec.tags.includes('Pages') && spec.query !== undefined;
      const name = `${spec.method} ${spec.path}`;
      const query = strictQuery(spec).safeParse({ not_declared: 'x' });
      const refused =
        !query.success && query.error.issues.some((i) => i.code === 'unrecognized_keys');
      expect(refused, name).toBe(!page);
      const body = strictBody(spec);
      if (body !== undefined && !(spec.body instanceof z.ZodArray)) {
        const parsed = body.safeParse({ not_declared: 'x' });
        expect(
          !parsed.success && parsed.error.issues.some((i) => i.code === 'unrecognized_keys'),
          name,
        ).toBe(true);
      }
    }
  });

  it('answer a list either in pages or whole, and say which', () => {
    for (const spec of specs) {
      const ok = spec.responses[200];
      if (!(ok?.data instanceof z.ZodArray) || spec.method !== 'get') continue;
      const name = `${spec.method} ${spec.path}`;
      if (ok.paginated) {
        // A limit and where to go on from: an opaque cursor, or (the events feed) an event id.
        const parameters = Object.keys((spec.query as z.ZodObject).shape);
        expect(parameters, name).toContain('limit');
        expect(
          parameters.filter((p) => p === 'cursor' || p === 'after'),
          name,
        ).toHaveLength(1);
      } else {
        expect(spec.summary, name).toMatch(/the whole set \(at most \d+\), not paged$/);
      }
    }
  });
});
