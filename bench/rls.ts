// What row-level security costs on a list read: 50 rows of one organization, ordered by id, joined
// to users — the shape the task list will have — in a database of 100 organizations × 200 members:
//   (a) the plain query as the table owner, `where organization_id = $1`, no transaction, no RLS;
//   (c) the same query as the owner inside a transaction with set_config (the wrapper, no RLS);
//   (b) the same query as teamflow_app through the unit of work (transaction + set_config + RLS) —
//       what the application does.
// On two tables: `memberships` (through postgresUnitOfWork and the repository), which has two
// had two permissive SELECT policies until the own-memberships one became a function, and `team_members`, which has
// only tenant_isolation, as a future tasks table will. Sequentially and with 16 in flight.
// Needs PostgreSQL: TEST_DATABASE_URL or DATABASE_URL, a server where it may create and drop a
// database of its own.
//
//   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/rls.ts
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../src/adapters/postgres/connect.js';
import type { Db } from '../src/adapters/postgres/database.js';
import { postgresMembershipRepository } from '../src/adapters/postgres/membership-repository.js';
import { migrateToLatest } from '../src/adapters/postgres/migrator.js';
import { postgresUnitOfWork } from '../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../src/adapters/system/uuid-v7-ids.js';

const ORGANIZATIONS = 100;
const MEMBERS_PER_ORGANIZATION = 200;
const PAGE = 50;
const CONCURRENCY = 16;
const WARMUP = 200;
const SEQUENTIAL_OPS = 1_000;
const CONCURRENT_OPS = 3_000;
const ROUNDS = 5;
const APP_ROLE = 'teamflow_app';

const baseUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
if (!baseUrl) {
  console.error(
    'bench/rls.ts measures PostgreSQL: set TEST_DATABASE_URL or DATABASE_URL, e.g.\n' +
      '  TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/rls.ts',
  );
  process.exit(1);
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function urlOf(database: string): string {
  const url = new URL(baseUrl!);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * 100 organizations × 200 members, each organization with one team holding all its members;
 * written by the owner, whom RLS does not bind.
 */
async function seed(db: Db): Promise<string[]> {
  const now = new Date();
  const organizationIds: string[] = [];
  for (let o = 0; o < ORGANIZATIONS; o++) {
    const organizationId = uuidV7Ids.next();
    const teamId = uuidV7Ids.next();
    organizationIds.push(organizationId);
    await db
      .insertInto('organizations')
      .values({
        id: organizationId,
        name: `Org ${o}`,
        slug: `bench-${o}`,
        timezone: 'UTC',
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .execute();
    await db
      .insertInto('teams')
      .values({
        organization_id: organizationId,
        id: teamId,
        name: 'Everyone',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const users = Array.from({ length: MEMBERS_PER_ORGANIZATION }, (_, m) => ({
      id: uuidV7Ids.next(),
      email: `m${m}@org${o}.bench`,
      name: `Member ${m}`,
      timezone: 'UTC',
      password_hash: 'x',
      email_verified_at: now,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    }));
    await db.insertInto('users').values(users).execute();
    await db
      .insertInto('memberships')
      .values(
        users.map((user, m) => ({
          organization_id: organizationId,
          id: uuidV7Ids.next(),
          user_id: user.id,
          role: m === 0 ? 'owner' : 'member',
          created_at: now,
        })),
      )
      .execute();
    await db
      .insertInto('team_members')
      .values(
        users.map((user) => ({
          organization_id: organizationId,
          id: uuidV7Ids.next(),
          team_id: teamId,
          user_id: user.id,
          created_at: now,
        })),
      )
      .execute();
  }
  await sql`analyze`.execute(db);
  return organizationIds;
}

/** The team_members list read: the memberships repository's query, on a single-policy table. */
function teamMembersPage(db: Db, organizationId: string) {
  return db
    .selectFrom('team_members')
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .selectAll('team_members')
    .select(['users.email', 'users.name'])
    .where('team_members.organization_id', '=', organizationId)
    .orderBy('team_members.id')
    .limit(PAGE)
    .execute();
}

/** What postgresUnitOfWork does around its work, for a query that no repository offers. */
function scoped<T>(db: Db, organizationId: string, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('app.organization_id', ${organizationId}, true),
                     set_config('app.user_id', '', true)`.execute(trx);
    return work(trx);
  });
}

interface Measurement {
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Latencies (ms) of `ops` calls of `read` with `concurrency` in flight, and the wall time. */
async function run(
  read: (organizationId: string) => Promise<unknown>,
  organizationIds: readonly string[],
  ops: number,
  concurrency: number,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ops; i = next++) {
      const organizationId = organizationIds[(i * 37) % organizationIds.length]!;
      const started = performance.now();
      await read(organizationId);
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/**
 * Measures every variant in interleaved rounds (a c b a c b …), so a load change on the machine
 * falls on all of them alike rather than on whichever ran during it.
 */
async function measureInterleaved(
  reads: Reads,
  organizationIds: readonly string[],
  ops: number,
  concurrency: number,
): Promise<Record<Variant, Measurement>> {
  const collected = Object.fromEntries(
    VARIANTS.map((v) => [v, { latencies: [] as number[], seconds: 0 }]),
  ) as Record<Variant, { latencies: number[]; seconds: number }>;
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of VARIANTS) {
      const part = await run(reads[v], organizationIds, Math.ceil(ops / ROUNDS), concurrency);
      collected[v].latencies.push(...part.latencies);
      collected[v].seconds += part.seconds;
    }
  }
  return Object.fromEntries(
    VARIANTS.map((v) => {
      const { latencies, seconds } = collected[v];
      const sorted = Float64Array.from(latencies).sort();
      return [
        v,
        {
          ops: sorted.length,
          seconds,
          opsPerSecond: sorted.length / seconds,
          p50Ms: percentile(sorted, 50),
          p99Ms: percentile(sorted, 99),
        },
      ];
    }),
  ) as Record<Variant, Measurement>;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

type Variant = 'a' | 'c' | 'b';
const VARIANTS: readonly Variant[] = ['a', 'c', 'b'];
const LABELS: Record<Variant, string> = {
  a: '(a) owner, plain query, no RLS',
  c: '(c) owner, transaction + set_config',
  b: `(b) ${APP_ROLE}, unit of work + RLS`,
};
type Reads = Record<Variant, (organizationId: string) => Promise<unknown[]>>;

/** Whether the planner, under RLS, still walks the (organization_id, id) index in order. */
async function rlsPlanSorts(app: Db, organizationId: string, table: string): Promise<boolean> {
  const { rows } = await scoped(app, organizationId, (trx) =>
    sql<{ 'QUERY PLAN': string }>`explain select ${sql.table(table)}.*, users.email, users.name
      from ${sql.table(table)} join users on users.id = ${sql.ref(`${table}.user_id`)}
      where ${sql.ref(`${table}.organization_id`)} = ${organizationId}
      order by ${sql.ref(`${table}.id`)} limit ${PAGE}`.execute(trx),
  );
  return rows.some((row) => /\bSort\b/.test(row['QUERY PLAN']));
}

async function main(): Promise<void> {
  const name = `tf_bench_${process.pid.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  await admin(`CREATE DATABASE ${name}`);
  let owner: DatabaseHandle | undefined;
  let app: DatabaseHandle | undefined;
  try {
    const url = urlOf(name);
    owner = await openDatabase({ kind: 'postgres', url, poolSize: CONCURRENCY });
    await migrateToLatest(owner.db);
    const seedStarted = performance.now();
    const organizationIds = await seed(owner.db);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    app = await openDatabase({ kind: 'postgres', url, poolSize: CONCURRENCY, role: APP_ROLE });
    const ownerDb = owner.db;
    const appDb = app.db;

    const ownerMemberships = postgresMembershipRepository(ownerDb);
    const ownerUow = postgresUnitOfWork(ownerDb);
    const appUow = postgresUnitOfWork(appDb);
    const tables: Record<string, Reads> = {
      memberships: {
        a: (org) => ownerMemberships.list(org, { limit: PAGE }),
        c: (org) =>
          ownerUow.run((tx) => tx.memberships.list(org, { limit: PAGE }), { organizationId: org }),
        b: (org) =>
          appUow.run((tx) => tx.memberships.list(org, { limit: PAGE }), { organizationId: org }),
      },
      team_members: {
        a: (org) => teamMembersPage(ownerDb, org),
        c: (org) => scoped(ownerDb, org, (trx) => teamMembersPage(trx, org)),
        b: (org) => scoped(appDb, org, (trx) => teamMembersPage(trx, org)),
      },
    };

    const results: Record<string, Record<string, Record<Variant, Measurement>>> = {};
    const plans: Record<string, { rls_plan_sorts_every_row_of_the_organization: boolean }> = {};
    for (const [table, reads] of Object.entries(tables)) {
      // Same rows every way, or the comparison means nothing.
      const probe = organizationIds[7]!;
      const answers = await Promise.all(VARIANTS.map((v) => reads[v](probe)));
      if (answers.some((rows) => JSON.stringify(rows) !== JSON.stringify(answers[0]))) {
        throw new Error(`${table}: the plain and the RLS reads disagree`);
      }
      if (answers[0]!.length !== PAGE) throw new Error(`${table}: expected ${PAGE} rows`);
      plans[table] = {
        rls_plan_sorts_every_row_of_the_organization: await rlsPlanSorts(appDb, probe, table),
      };

      for (const v of VARIANTS) await run(reads[v], organizationIds, WARMUP, CONCURRENCY);
      results[table] = {};
      for (const [mode, ops, concurrency] of [
        ['sequential', SEQUENTIAL_OPS, 1],
        [`concurrency ${CONCURRENCY}`, CONCURRENT_OPS, CONCURRENCY],
      ] as const) {
        results[table][mode] = await measureInterleaved(reads, organizationIds, ops, concurrency);
      }
    }

    console.log(
      `\nRLS list read: ${PAGE} rows of one organization ⨝ users, ordered by id; ` +
        `${ORGANIZATIONS} organizations × ${MEMBERS_PER_ORGANIZATION} members ` +
        `(seeded in ${seedSeconds.toFixed(1)} s)`,
    );
    console.table(
      Object.entries(results).flatMap(([table, byMode]) =>
        Object.entries(byMode).flatMap(([mode, r]) =>
          VARIANTS.map((v) => ({
            table,
            mode,
            variant: LABELS[v],
            'ops/s': Math.round(r[v].opsPerSecond),
            'p50 ms': round(r[v].p50Ms),
            'p99 ms': round(r[v].p99Ms),
            'p50 ÷ (a)': round(r[v].p50Ms / r.a.p50Ms, 2),
          })),
        ),
      ),
    );

    const server = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(
      ownerDb,
    );
    const json = {
      benchmark: 'rls-list-read',
      postgres: server.rows[0]!.v,
      organizations: ORGANIZATIONS,
      members_per_organization: MEMBERS_PER_ORGANIZATION,
      page: PAGE,
      plans,
      results: Object.fromEntries(
        Object.entries(results).map(([table, byMode]) => [
          table,
          Object.fromEntries(
            Object.entries(byMode).map(([mode, r]) => [
              mode,
              {
                ...Object.fromEntries(
                  VARIANTS.map((v) => [
                    v,
                    {
                      ops: r[v].ops,
                      ops_per_s: Math.round(r[v].opsPerSecond),
                      p50_ms: round(r[v].p50Ms),
                      p99_ms: round(r[v].p99Ms),
                    },
                  ]),
                ),
                ratio_b_over_a: {
                  ops_per_s: round(r.b.opsPerSecond / r.a.opsPerSecond),
                  p50: round(r.b.p50Ms / r.a.p50Ms),
                  p99: round(r.b.p99Ms / r.a.p99Ms),
                },
                // The policy alone: the transaction wrapper is paid by (c) and (b) alike.
                ratio_b_over_c_p50: round(r.b.p50Ms / r.c.p50Ms),
              },
            ]),
          ),
        ]),
      ),
    };
    console.log(JSON.stringify(json));
  } finally {
    await app?.close();
    await owner?.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();
