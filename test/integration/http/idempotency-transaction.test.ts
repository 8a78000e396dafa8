// An Idempotency-Key request's stored answer commits in the same transaction as its change: the
// idempotency middleware over a real listening Koa server, with handlers written per test that
// run units of work (teams in a real tenant table) and fail where the test says. On PostgreSQL
// the unit of work and the store are pipelined, as the app runs them; on PGlite, plain
// transactions. "Committed" is counted in rows, "the key is free" by a retry that runs again.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppContext, RequestState, RouterFields } from '../../../src/adapters/http/context.js';
import { respond } from '../../../src/adapters/http/envelope.js';
import { organizationUrl } from '../../../src/adapters/http/locations.js';
import { jsonBody } from '../../../src/adapters/http/middleware/body.js';
import { errorHandler } from '../../../src/adapters/http/middleware/error-handler.js';
import { idempotency } from '../../../src/adapters/http/middleware/idempotency.js';
import { organizationAccess } from '../../../src/adapters/http/middleware/organization-access.js';
import { requestContext } from '../../../src/adapters/http/middleware/request-context.js';
import { buildOpenApiDocument } from '../../../src/adapters/http/openapi.js';
import { handlerOf, route, type RouteSpec } from '../../../src/adapters/http/route.js';
import { memoryCache } from '../../../src/adapters/memory/memory-cache.js';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { postgresIdempotencyStore } from '../../../src/adapters/postgres/idempotency-store.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { resolveAccess } from '../../../src/application/access/resolve-access.js';
import { IDEMPOTENCY_LOCK_MS } from '../../../src/application/shared/idempotency.js';
import type { Clock } from '../../../src/application/shared/ports.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import type { UserPrincipal } from '../../../src/domain/identity/principal.js';
import { ConflictError } from '../../../src/domain/shared/errors.js';
import { deferred, waitFor } from '../../support/async.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { APP_ROLE, createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../../support/env.js';

const ENGINE = testDatabaseUrl ? 'PostgreSQL (pipelined)' : 'PGlite';
type AppMiddleware = Middleware<RequestState, RouterFields>;
type Script = (ctx: AppContext, name: string) => Promise<void>;

let database: TestDatabase;
let db: Db;
let uow: UnitOfWork;
let clock: Clock & { advance(ms: number): void };
let server: Server;
let api: Client;
let org: string;
let owner: string;
/** What the handler does this time; `runs` counts its calls. */
let script: Script;
let runs = 0;

/** A POST whose handler is whatever the running test set in `script`. */
const scripted = route<{ org: string }, undefined, { name: string }>({
  method: 'post',
  path: '/organizations/:org/teams',
  operationId: 'scripted',
  summary: 'Runs the test’s script',
  tags: ['Teams'],
  scope: 'organization',
  permission: 'team:manage',
  params: z.object({ org: z.string() }),
  body: z.object({ name: z.string().min(1) }),
  responses: { 201: { description: 'Created', data: z.looseObject({}) } },
  async handler(ctx, { body }) {
    runs += 1;
    await script(ctx, body.name);
  },
});

const aTeam = (name: string) =>
  uow.run(
    (tx) =>
      tx.teams.create({
        id: crypto.randomUUID(),
        organizationId: org,
        name,
        description: '',
        now: clock.now(),
      }),
    { organizationId: org },
  );

/** Creates the team and answers 201 with it. */
const createAndAnswer: Script = async (ctx, name) => {
  const team = await aTeam(name);
  respond(
    ctx,
    { id: team.id, name: team.name },
    { status: 201, location: organizationUrl(ctx, 'teams') },
  );
};

const testAuthentication: AppMiddleware = async (ctx, next) => {
  const principal: UserPrincipal = { kind: 'user', userId: owner, sessionId: 'test-session' };
  ctx.state.principal = principal;
  await next();
};

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.handle.db;
  const pipelined = database.handle.pipelined;
  uow = postgresUnitOfWork(db, { pipelined, scopedRead: database.handle.scopedRead });
  let now = new Date('2026-12-05T12:00:00.000Z').getTime();
  clock = { now: () => new Date(now), advance: (ms) => void (now += ms) };

  owner = (
    await uow.run((tx) =>
      tx.users.create({
        id: crypto.randomUUID(),
        email: `owner-${uniqueTag()}@example.com`,
        name: 'Owner',
        timezone: 'UTC',
        passwordHash: 'hash',
        now: clock.now(),
      }),
    )
  ).id;
  org = crypto.randomUUID();
  await uow.run(
    async (tx) => {
      await tx.organizations.create({
        id: org,
        name: 'Acme',
        slug: `acme-${uniqueTag()}`,
        timezone: 'UTC',
        now: clock.now(),
      });
      await tx.memberships.add({
        id: crypto.randomUUID(),
        organizationId: org,
        userId: owner,
        role: 'admin',
        now: clock.now(),
      });
    },
    { organizationId: org },
  );
  // A team named `fails-at-commit…` is refused by a deferred trigger: its COMMIT fails.
  await db.connection().execute(async (conn) => {
    await sql.raw('reset role').execute(conn);
    await sql
      .raw(
        `create function test_refuse_at_commit() returns trigger language plpgsql as $$
         begin
           if new.name like 'fails-at-commit%' then raise exception 'refused at commit'; end if;
           return null;
         end $$`,
      )
      .execute(conn);
    await sql
      .raw(
        `create constraint trigger test_refuse_at_commit after insert on teams
         deferrable initially deferred for each row execute function test_refuse_at_commit()`,
      )
      .execute(conn);
    await sql.raw(`set role ${APP_ROLE}`).execute(conn);
  });

  const deps = { uow, cache: memoryCache({ maxEntries: 100 }) };
  const app = new Koa<RequestState, RouterFields>();
  const router = new Router<RequestState, RouterFields>({ prefix: '/api/v1' });
  const spec: RouteSpec = scripted;
  const chain: AppMiddleware[] = [
    testAuthentication,
    organizationAccess((principal, ref) => resolveAccess(deps, principal, ref), spec.permission),
    jsonBody(64 * 1024),
    idempotency(postgresIdempotencyStore(db, pipelined), clock),
    handlerOf(spec),
  ];
  router.register(spec.path, ['POST'], chain as never);
  app.use(requestContext(pino({ level: process.env.TEST_LOG ?? 'silent' })));
  app.use(errorHandler());
  app.use(router.routes());
  const handle = app.callback();
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    contract: buildOpenApiDocument([{ prefix: '/api/v1', routes: [scripted] }], 'test'),
  });
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await database?.close();
});
beforeEach(() => {
  runs = 0;
  script = createAndAnswer;
});

const post = (name: string, key: string): Promise<Reply> =>
  api.post(`/api/v1/organizations/${org}/teams`, { name }, { headers: { 'Idempotency-Key': key } });

/** The names of the committed teams that start with `prefix`. */
async function teamsNamed(prefix: string): Promise<string[]> {
  const teams = await uow.run((tx) => tx.teams.list(org, { limit: 200 }), {
    organizationId: org,
  });
  return teams
    .map((team) => team.name)
    .filter((name) => name.startsWith(prefix))
    .sort();
}

const aName = (label = 'team') => `${label}-${uniqueTag()}`;

describe(`An Idempotency-Key request commits its answer with its change, on ${ENGINE}`, () => {
  it('commits the change and the answer together: a retry replays, nothing runs twice', async () => {
    const name = aName();
    const key = aName('key');
    const first = await post(name, key);
    expect(first.status).toBe(201);
    const again = await post(name, key);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(runs).toBe(1);
    expect(await teamsNamed(name)).toEqual([name]);
  });

  it('commits nothing when the handler fails after its unit of work: the key is free again', async () => {
    const name = aName();
    const key = aName('key');
    script = async (_ctx, teamName) => {
      await aTeam(teamName);
      throw new Error('the handler broke after its use case');
    };
    expect((await post(name, key)).status).toBe(500);
    expect(await teamsNamed(name)).toEqual([]);

    script = createAndAnswer;
    const retried = await post(name, key);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('Idempotent-Replayed')).toBeNull();
    expect(runs).toBe(2);
    expect(await teamsNamed(name)).toEqual([name]);
  });

  it('commits neither change nor answer when the COMMIT itself fails: a retry runs again', async () => {
    const name = aName('fails-at-commit');
    const key = aName('key');
    const failed = await post(name, key);
    expect(failed.status).toBe(500);
    expect(failed.headers.get('Location')).toBeNull();
    expect(await teamsNamed(name)).toEqual([]);
    // Not a replay and not 409: the claim was released with the rollback.
    const retried = await post(name, key);
    expect(retried.status).toBe(500);
    expect(runs).toBe(2);
    expect(await teamsNamed(name)).toEqual([]);
  });

  it('runs every unit of work of the request in the one transaction, and replays their answer', async () => {
    const name = aName();
    const key = aName('key');
    script = async (ctx, teamName) => {
      const one = await aTeam(`${teamName}-1`);
      const two = await aTeam(`${teamName}-2`);
      respond(
        ctx,
        { ids: [one.id, two.id] },
        { status: 201, location: organizationUrl(ctx, 'teams') },
      );
    };
    const first = await post(name, key);
    expect(first.status).toBe(201);
    expect(await teamsNamed(name)).toEqual([`${name}-1`, `${name}-2`]);
    const again = await post(name, key);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(runs).toBe(1);
  });

  it('undoes only the run that failed when the use case catches it (a savepoint per run)', async () => {
    const name = aName();
    const taken = aName('taken');
    await aTeam(taken);
    script = async (ctx, teamName) => {
      await aTeam(`${teamName}-before`);
      // Writes, then throws: its own write is undone, the run before it stays.
      await uow
        .run(
          async (tx) => {
            await tx.teams.create({
              id: crypto.randomUUID(),
              organizationId: org,
              name: `${teamName}-undone`,
              description: '',
              now: clock.now(),
            });
            throw new ConflictError('changed my mind');
          },
          { organizationId: org },
        )
        .catch(() => undefined);
      // A statement PostgreSQL refuses (a unique violation) leaves the transaction usable.
      await expect(aTeam(taken)).rejects.toBeInstanceOf(ConflictError);
      await aTeam(`${teamName}-after`);
      respond(ctx, { ok: true }, { status: 201, location: organizationUrl(ctx, 'teams') });
    };
    expect((await post(name, aName('key'))).status).toBe(201);
    expect(await teamsNamed(name)).toEqual([`${name}-after`, `${name}-before`]);
  });

  it('stores a client error that follows a committed run, with that run', async () => {
    const name = aName();
    const key = aName('key');
    script = async (_ctx, teamName) => {
      await aTeam(teamName);
      await aTeam(teamName); // the same name again: 409
    };
    const first = await post(name, key);
    expect(first.status).toBe(409);
    const again = await post(name, key);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await teamsNamed(name)).toEqual([name]);
    expect(runs).toBe(1);
  });

  it('lets a read after a write see the request’s own write', async () => {
    const name = aName();
    let seen: string[] = [];
    script = async (ctx, teamName) => {
      await aTeam(teamName);
      seen = await uow.read(
        async (tx) => (await tx.teams.list(org, { limit: 200 })).map((team) => team.name),
        { organizationId: org },
      );
      respond(ctx, {}, { status: 201, location: organizationUrl(ctx, 'teams') });
    };
    expect((await post(name, aName('key'))).status).toBe(201);
    expect(seen).toContain(name);
  });

  it('runs after-commit effects once the request committed, and never when it rolled back', async () => {
    const name = aName();
    const sawTheTeam: boolean[] = [];
    const effect = async () => {
      // Outside the request transaction, on a connection of its own: committed rows only.
      sawTheTeam.push((await teamsNamed(name)).length === 1);
    };
    script = async (ctx, teamName) => {
      await aTeam(teamName);
      await uow.afterCommit(effect);
      expect(sawTheTeam).toEqual([]); // queued, not run
      respond(ctx, {}, { status: 201, location: organizationUrl(ctx, 'teams') });
    };
    expect((await post(name, aName('key'))).status).toBe(201);
    expect(sawTheTeam).toEqual([true]);

    script = async (_ctx, teamName) => {
      await aTeam(`${teamName}-x`);
      await uow.afterCommit(effect);
      throw new Error('rolled back');
    };
    expect((await post(aName(), aName('key'))).status).toBe(500);
    expect(sawTheTeam).toEqual([true]);

    // Outside a request transaction, an effect runs at once.
    let ran = false;
    await uow.afterCommit(() => {
      ran = true;
    });
    expect(ran).toBe(true);
  });

  it('does not commit an attempt whose claim was taken over past its lock', async () => {
    const name = aName();
    const key = aName('key');
    const gate = deferred();
    // Each run names its team after itself: a stuck attempt and the one that took over would
    // both commit a team if the stuck one's change committed without its answer.
    script = async (ctx, teamName) => {
      const run = runs;
      if (run === 1) await gate.promise;
      const team = await aTeam(`${teamName}-run-${run}`);
      respond(ctx, { id: team.id }, { status: 201, location: organizationUrl(ctx, 'teams') });
    };
    const stuck = post(name, key);
    await waitFor(() => runs === 1);
    clock.advance(IDEMPOTENCY_LOCK_MS);
    const takeover = await post(name, key);
    expect(takeover.status).toBe(201);
    gate.resolve();
    const late = await stuck;
    expect(late.status).toBe(409);
    expect(late.headers.get('Retry-After')).toBe('1');
    expect(await teamsNamed(name)).toEqual([`${name}-run-2`]);
    const again = await post(name, key);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body).toEqual(takeover.body);
  });

  it('answers 422 before any write without opening a transaction, and stores it', async () => {
    const key = aName('key');
    const first = await api.post(
      `/api/v1/organizations/${org}/teams`,
      { name: '' },
      { headers: { 'Idempotency-Key': key } },
    );
    expect(first.status).toBe(422);
    const again = await api.post(
      `/api/v1/organizations/${org}/teams`,
      { name: '' },
      { headers: { 'Idempotency-Key': key } },
    );
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(runs).toBe(0);
  });
});
