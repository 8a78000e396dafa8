// Idempotency-Key through HTTP: a real listening Koa server built from the app's own pieces
// (request context, error handler, organization access with the real resolveAccess, the JSON
// body parser, the idempotency middleware and route handlers) over this file's own database. The
// handlers create teams in a real tenant table, so "exactly one execution" is counted in rows.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RequestState, RouterFields } from '../../../src/adapters/http/context.js';
import { setEtag } from '../../../src/adapters/http/conditional.js';
import { respond } from '../../../src/adapters/http/envelope.js';
import { organizationUrl } from '../../../src/adapters/http/locations.js';
import { jsonBody } from '../../../src/adapters/http/middleware/body.js';
import { errorHandler } from '../../../src/adapters/http/middleware/error-handler.js';
import { idempotency } from '../../../src/adapters/http/middleware/idempotency.js';
import {
  accessOf,
  organizationAccess,
} from '../../../src/adapters/http/middleware/organization-access.js';
import { requestContext } from '../../../src/adapters/http/middleware/request-context.js';
import { buildOpenApiDocument } from '../../../src/adapters/http/openapi.js';
import { handlerOf, route, type RouteSpec } from '../../../src/adapters/http/route.js';
import { memoryCache } from '../../../src/adapters/memory/memory-cache.js';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { postgresIdempotencyStore } from '../../../src/adapters/postgres/idempotency-store.js';
import {
  postgresRepositories,
  postgresUnitOfWork,
} from '../../../src/adapters/postgres/unit-of-work.js';
import { resolveAccess } from '../../../src/application/access/resolve-access.js';
import {
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_TTL_MS,
} from '../../../src/application/shared/idempotency.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import type { Clock } from '../../../src/application/shared/ports.js';
import type { UserPrincipal } from '../../../src/domain/identity/principal.js';
import { waitFor } from '../../support/async.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../../support/env.js';

const ENGINE = testDatabaseUrl ? 'PostgreSQL' : 'PGlite';
type AppMiddleware = Middleware<RequestState, RouterFields>;

let database: TestDatabase;
let db: Db;
let uow: UnitOfWork;
/** The store's notion of now, moved by hand to reach lock and retention limits. */
let clock: Clock & { advance(ms: number): void };
let server: Server;
let api: Client;
let org: { id: string; slug: string };
let owner: string;
let colleague: string;

/** How each handler run behaves, set by the test that needs it. */
const behaviour = {
  /** Handler runs so far (of the team-creating route). */
  runs: 0,
  /** The next this-many runs throw an unexpected error (500). */
  failures: 0,
  /** When set, a run waits for it before writing. */
  gate: undefined as Promise<void> | undefined,
  /** Milliseconds a run waits before writing, so that concurrent repeats overlap it. */
  delayMs: 0,
};

const createTeam = route<{ org: string }, undefined, { name: string }>({
  method: 'post',
  path: '/organizations/:org/teams',
  operationId: 'createTeam',
  summary: 'Creates a team',
  tags: ['Teams'],
  scope: 'organization',
  permission: 'team:manage',
  params: z.object({ org: z.string() }),
  body: z.object({ name: z.string().min(1) }),
  responses: {
    201: {
      description: 'Created',
      data: z.object({ id: z.uuid(), name: z.string(), description: z.string() }),
      headers: ['ETag'],
    },
  },
  async handler(ctx, { body }) {
    behaviour.runs += 1;
    if (behaviour.failures > 0) {
      behaviour.failures -= 1;
      throw new Error('the database went away');
    }
    if (behaviour.gate) await behaviour.gate;
    if (behaviour.delayMs > 0) await new Promise((r) => setTimeout(r, behaviour.delayMs));
    const { organization } = accessOf(ctx);
    const team = await uow.run(
      (tx) =>
        tx.teams.create({
          id: crypto.randomUUID(),
          organizationId: organization.id,
          name: body.name,
          description: `run ${behaviour.runs}`,
          now: clock.now(),
        }),
      { organizationId: organization.id },
    );
    setEtag(ctx, team.version);
    // The one URL of the team this app serves.
    const location = organizationUrl(ctx, 'teams', team.id, 'touch');
    respond(
      ctx,
      { id: team.id, name: team.name, description: team.description },
      { status: 201, location },
    );
  },
});

/** A POST without a body schema (no body parser mounted), answering 204. */
const touchTeam = route<{ org: string; team: string }>({
  method: 'post',
  path: '/organizations/:org/teams/:team/touch',
  operationId: 'touchTeam',
  summary: 'Touches a team',
  tags: ['Teams'],
  scope: 'organization',
  permission: 'team:manage',
  params: z.object({ org: z.string(), team: z.string() }),
  responses: { 204: { description: 'Touched' } },
  async handler(ctx) {
    await Promise.resolve();
    ctx.status = 204;
  },
});

/** Stands in for bearer authentication: the user id comes in a test header. */
const testAuthentication: AppMiddleware = async (ctx, next) => {
  const userId = ctx.get('X-Test-User');
  if (userId !== '') {
    const principal: UserPrincipal = { kind: 'user', userId, sessionId: 'test-session' };
    ctx.state.principal = principal;
  }
  await next();
};

function buildApp(): Koa<RequestState, RouterFields> {
  const deps = { uow, cache: memoryCache({ maxEntries: 100 }) };
  const app = new Koa<RequestState, RouterFields>();
  const router = new Router<RequestState, RouterFields>({ prefix: '/api/v1' });
  // The order app.ts mounts a POST under :org in, with the idempotency middleware right
  // before the handler.
  for (const spec of [createTeam, touchTeam] as RouteSpec[]) {
    const chain: AppMiddleware[] = [
      testAuthentication,
      organizationAccess((principal, ref) => resolveAccess(deps, principal, ref), spec.permission),
      ...(spec.body ? [jsonBody(64 * 1024)] : []),
      idempotency(postgresIdempotencyStore(db), clock),
      handlerOf(spec),
    ];
    router.register(spec.path, [spec.method.toUpperCase()], chain as never);
  }
  app.use(requestContext(pino({ level: 'silent' })));
  app.use(errorHandler());
  app.use(router.routes());
  return app;
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.handle.db;
  uow = postgresUnitOfWork(db);
  let now = new Date('2026-11-23T12:00:00.000Z').getTime();
  clock = { now: () => new Date(now), advance: (ms) => void (now += ms) };
  const repos = postgresRepositories(db);
  const aUser = async () =>
    (
      await repos.users.create({
        id: crypto.randomUUID(),
        email: `user-${uniqueTag()}@example.com`,
        name: 'Someone',
        timezone: 'UTC',
        passwordHash: 'hash',
        now: clock.now(),
      })
    ).id;
  owner = await aUser();
  colleague = await aUser();
  const id = crypto.randomUUID();
  const slug = `org-${uniqueTag()}`;
  await uow.run(
    async (tx) => {
      await tx.organizations.create({ id, name: 'Acme', slug, timezone: 'UTC', now: clock.now() });
      for (const userId of [owner, colleague]) {
        await tx.memberships.add({
          id: crypto.randomUUID(),
          organizationId: id,
          userId,
          role: 'admin',
          now: clock.now(),
        });
      }
    },
    { organizationId: id },
  );
  org = { id, slug };

  const handle = buildApp().callback();
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    contract: buildOpenApiDocument(
      [{ prefix: '/api/v1', routes: [createTeam, touchTeam] }],
      'test',
    ),
  });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await database.close();
});

const teamsPath = (ref = org.id) => `/api/v1/organizations/${ref}/teams`;
const aName = () => `Team ${uniqueTag()}`;

function post(
  body: unknown,
  options: { key?: string; user?: string; path?: string; raw?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'X-Test-User': options.user ?? owner };
  if (options.key !== undefined) headers['Idempotency-Key'] = options.key;
  if (options.raw !== undefined) headers['content-type'] = 'application/json';
  return api.post(options.path ?? teamsPath(), body, {
    headers,
    ...(options.raw !== undefined && { raw: options.raw }),
  });
}

/** Teams with this name: the rows the handler's runs left behind. */
async function teamsNamed(name: string): Promise<number> {
  const rows = await uow.run((tx) => tx.teams.list(org.id, { limit: 200 }), {
    organizationId: org.id,
  });
  return rows.filter((team) => team.name === name).length;
}

function resetBehaviour(): void {
  Object.assign(behaviour, { runs: 0, failures: 0, gate: undefined, delayMs: 0 });
}

describe(`Idempotency-Key over HTTP on ${ENGINE}`, () => {
  it('runs every POST without a key, and marks none as replayed', async () => {
    resetBehaviour();
    const name = aName();
    const first = await post({ name: `${name} 1` });
    const second = await post({ name: `${name} 2` });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    expect(behaviour.runs).toBe(2);
  });

  it('stores the first answer and replays it, byte for byte, with its ETag and Location', async () => {
    resetBehaviour();
    const key = `create-${uniqueTag()}`;
    const name = aName();
    const first = await post({ name }, { key });
    expect(first.status).toBe(201);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();

    const again = await post({ name }, { key });
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
    expect(again.headers.get('ETag')).toBe(first.headers.get('ETag'));
    expect(again.headers.get('Location')).toBe(first.headers.get('Location'));
    // The request id is each request's own; the replayed body keeps the first one's.
    expect(again.headers.get('X-Request-Id')).not.toBe(first.headers.get('X-Request-Id'));
    expect(behaviour.runs).toBe(1);
    expect(await teamsNamed(name)).toBe(1);
  });

  it('takes the organization by slug or by id as the same request', async () => {
    resetBehaviour();
    const key = `ref-${uniqueTag()}`;
    const name = aName();
    const bySlug = await post({ name }, { key, path: teamsPath(org.slug) });
    const byId = await post({ name }, { key, path: teamsPath(org.id) });
    expect([bySlug.status, byId.status]).toEqual([201, 201]);
    expect(byId.headers.get('Idempotent-Replayed')).toBe('true');
    expect(byId.body).toEqual(bySlug.body);
    expect(behaviour.runs).toBe(1);
  });

  it('runs exactly once for 20 concurrent identical requests: one answer, 19 × 409, then replays', async () => {
    resetBehaviour();
    // The winner holds its claim until every other request has had its answer.
    let open!: () => void;
    behaviour.gate = new Promise((resolve) => (open = resolve));
    const key = `burst-${uniqueTag()}`;
    const name = aName();
    let answered = 0;
    const pending = Array.from({ length: 20 }, () =>
      post({ name }, { key }).then((reply) => {
        answered += 1;
        return reply;
      }),
    );
    await waitFor(() => answered === 19);
    open();
    const replies = await Promise.all(pending);

    expect(behaviour.runs).toBe(1);
    expect(await teamsNamed(name)).toBe(1);
    const created = replies.filter((r) => r.status === 201);
    const busy = replies.filter((r) => r.status === 409);
    expect([created.length, busy.length]).toEqual([1, 19]);
    expect(created[0]!.headers.get('Idempotent-Replayed')).toBeNull();
    for (const reply of busy) {
      expect(reply.body.error.code).toBe('CONFLICT');
      expect(reply.headers.get('Retry-After')).toBe('1');
    }

    // Once it has answered, every repeat (concurrent or not) replays the same body.
    const later = await Promise.all(Array.from({ length: 20 }, () => post({ name }, { key })));
    for (const reply of later) {
      expect(reply.status).toBe(201);
      expect(reply.headers.get('Idempotent-Replayed')).toBe('true');
      expect(reply.body).toEqual(created[0]!.body);
    }
    expect(behaviour.runs).toBe(1);
  });

  it('runs exactly once for 20 concurrent identical requests racing a quick handler', async () => {
    resetBehaviour();
    behaviour.delayMs = 20;
    const key = `race-${uniqueTag()}`;
    const name = aName();
    const replies = await Promise.all(Array.from({ length: 20 }, () => post({ name }, { key })));
    expect(behaviour.runs).toBe(1);
    expect(await teamsNamed(name)).toBe(1);
    const original = replies.filter(
      (r) => r.status === 201 && r.headers.get('Idempotent-Replayed') === null,
    );
    expect(original).toHaveLength(1);
    for (const reply of replies) {
      if (reply.status === 409) expect(reply.body.error.code).toBe('CONFLICT');
      else expect(reply.body).toEqual(original[0]!.body);
    }
  });

  describe('answers 422 IDEMPOTENCY_KEY_REUSED to the key with a different request', () => {
    it.each([
      ['another body', { name: 'Other' }, {}],
      ['the same body spelled differently', undefined, { raw: true }],
      ['another caller', undefined, { user: true }],
      ['another route', undefined, { path: true }],
    ] as const)('%s', async (_case, otherBody, change) => {
      resetBehaviour();
      const key = `reuse-${uniqueTag()}`;
      const name = aName();
      const first = await post({ name }, { key });
      expect(first.status).toBe(201);
      const teamId = first.body.data.id as string;

      const options: Parameters<typeof post>[1] = { key };
      if ('raw' in change) options.raw = JSON.stringify({ name }, null, 2);
      if ('user' in change) options.user = colleague;
      if ('path' in change) options.path = `${teamsPath()}/${teamId}/touch`;
      const reused = await post(otherBody ?? { name }, options);
      expect(reused.status).toBe(422);
      expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(behaviour.runs).toBe(1);
    });

    it('also while the first request is still running', async () => {
      resetBehaviour();
      let open!: () => void;
      behaviour.gate = new Promise((resolve) => (open = resolve));
      const key = `running-${uniqueTag()}`;
      const running = post({ name: aName() }, { key });
      await waitFor(() => behaviour.runs === 1);
      const reused = await post({ name: aName() }, { key });
      expect(reused.status).toBe(422);
      expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      open();
      expect((await running).status).toBe(201);
    });
  });

  it('keys path parameters into the request: another team with the key is another request', async () => {
    resetBehaviour();
    const one = await post({ name: aName() });
    const two = await post({ name: aName() });
    const key = `touch-${uniqueTag()}`;
    const touch = (team: string) => post(undefined, { key, path: `${teamsPath()}/${team}/touch` });
    const first = await touch(one.body.data.id);
    expect(first.status).toBe(204);
    const again = await touch(one.body.data.id);
    expect(again.status).toBe(204);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body).toBe('');
    expect((await touch(two.body.data.id)).status).toBe(422);
  });

  it('stores a client error and replays it instead of running again', async () => {
    resetBehaviour();
    const name = aName();
    expect((await post({ name })).status).toBe(201);
    const key = `taken-${uniqueTag()}`;
    const taken = await post({ name }, { key });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('CONFLICT');
    expect(taken.headers.get('Idempotent-Replayed')).toBeNull();

    const again = await post({ name }, { key });
    expect(again.status).toBe(409);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body).toEqual(taken.body);
    expect(behaviour.runs).toBe(2);
  });

  it('stores a validation error (422) of the request the same way', async () => {
    resetBehaviour();
    const key = `invalid-${uniqueTag()}`;
    const first = await post({ name: '' }, { key });
    expect(first.status).toBe(422);
    expect(first.body.error.code).toBe('VALIDATION_ERROR');
    const again = await post({ name: '' }, { key });
    expect(again.status).toBe(422);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('does not store a server error: the key is released and a retry runs', async () => {
    resetBehaviour();
    behaviour.failures = 1;
    const key = `flaky-${uniqueTag()}`;
    const name = aName();
    const failed = await post({ name }, { key });
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('INTERNAL_ERROR');

    const retried = await post({ name }, { key });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('Idempotent-Replayed')).toBeNull();
    const replayed = await post({ name }, { key });
    expect(replayed.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replayed.body).toEqual(retried.body);
    expect(behaviour.runs).toBe(2);
    expect(await teamsNamed(name)).toBe(1);
  });

  it('answers 409 while the first runs, and lets a repeat take over an attempt stuck past its lock', async () => {
    resetBehaviour();
    let open!: () => void;
    behaviour.gate = new Promise((resolve) => (open = resolve));
    const key = `stuck-${uniqueTag()}`;
    const name = aName();
    const stuck = post({ name }, { key });
    await waitFor(() => behaviour.runs === 1);

    const meanwhile = await post({ name }, { key });
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.body.error.code).toBe('CONFLICT');

    clock.advance(IDEMPOTENCY_LOCK_MS);
    behaviour.gate = undefined;
    const takeover = await post({ name: name }, { key });
    expect(takeover.status).toBe(201);
    expect(takeover.headers.get('Idempotent-Replayed')).toBeNull();

    // The stuck attempt finishes late: its own answer goes out (here a 409, the name is taken by
    // now) but is not stored over the one that took over.
    open();
    expect((await stuck).status).toBe(409);
    const after = await post({ name }, { key });
    expect(after.headers.get('Idempotent-Replayed')).toBe('true');
    expect(after.body).toEqual(takeover.body);
    expect(behaviour.runs).toBe(2);
  });

  it('forgets a key after 24 h: it may then start another request', async () => {
    resetBehaviour();
    const key = `daily-${uniqueTag()}`;
    const first = await post({ name: aName() }, { key });
    expect(first.status).toBe(201);
    clock.advance(IDEMPOTENCY_TTL_MS - 1000);
    expect((await post({ name: aName() }, { key })).status).toBe(422);

    clock.advance(1000);
    const next = await post({ name: aName() }, { key });
    expect(next.status).toBe(201);
    expect(next.headers.get('Idempotent-Replayed')).toBeNull();
    expect(next.body.data.id).not.toBe(first.body.data.id);
    expect(behaviour.runs).toBe(2);
  });

  describe('the header', () => {
    it.each([
      ['empty', ''],
      ['256 characters', 'k'.repeat(256)],
      ['a space inside', 'my key'],
      ['a tab inside', 'my\tkey'],
      ['a non-ASCII character', 'clé'],
    ])('refuses a key that is %s with 422, running nothing', async (_case, key) => {
      resetBehaviour();
      const reply = await post({ name: aName() }, { key });
      expect(reply.status).toBe(422);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
      expect(reply.body.error.details).toEqual([
        { field: 'Idempotency-Key', message: 'Must be 1–255 visible ASCII characters' },
      ]);
      expect(behaviour.runs).toBe(0);
    });

    it.each([
      ['1 character', '1'],
      ['255 characters', 'k'.repeat(255)],
      ['punctuation', 'order#42/retry:{a}~!'],
    ])('takes a key of %s', async (_case, key) => {
      resetBehaviour();
      expect((await post({ name: aName() }, { key: `${key}` })).status).toBe(201);
      expect((await post({ name: aName() }, { key })).status).toBe(422);
    });
  });

  it('leaves a non-member at 404 before any key is looked at', async () => {
    const stranger = crypto.randomUUID();
    const reply = await post({ name: aName() }, { key: 'not-even-valid key', user: stranger });
    expect(reply.status).toBe(404);
  });
});
