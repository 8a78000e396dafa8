// The Idempotency-Key store against this file's own database as the application role (PGlite by
// default, PostgreSQL with TEST_DATABASE_URL): claims, replays, reuse, abandoned attempts,
// expiry, tenant isolation, and one winner among concurrent claims.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { postgresIdempotencyStore } from '../../../src/adapters/postgres/idempotency-store.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import type {
  IdempotencyClaim,
  IdempotencyClaimRequest,
  IdempotencyStore,
  StoredResponse,
} from '../../../src/application/shared/idempotency.js';
import { APP_ROLE, createTestDatabase, type TestDatabase } from '../../support/database.js';
import { countedPipeline } from '../../support/round-trips.js';
import { testDatabaseUrl, uniqueTag } from '../../support/env.js';

const ENGINE = testDatabaseUrl ? 'PostgreSQL' : 'PGlite';
const NOW = new Date('2026-11-23T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const TTL = 24 * 60 * 60 * 1000;
const LOCK = 60 * 1000;

let database: TestDatabase;
let db: Db;
let store: IdempotencyStore;
let orgA: string;
let orgB: string;

async function anOrganization(): Promise<string> {
  const id = crypto.randomUUID();
  await postgresUnitOfWork(db).run(
    (tx) =>
      tx.organizations.create({
        id,
        name: 'Acme',
        slug: `org-${uniqueTag()}`,
        timezone: 'UTC',
        now: NOW,
      }),
    { organizationId: id },
  );
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.handle.db;
  orgA = await anOrganization();
  orgB = await anOrganization();
});
afterAll(async () => {
  await database.close();
});

const aKey = () => `key-${uniqueTag()}`;

function claimOf(
  fields: Partial<IdempotencyClaimRequest> & { key: string },
): Promise<IdempotencyClaim> {
  return store.claim({
    organizationId: orgA,
    requestHash: 'hash-1',
    now: NOW,
    ttlMs: TTL,
    lockMs: LOCK,
    ...fields,
  });
}

function claimIdOf(claim: IdempotencyClaim): string {
  if (claim.outcome !== 'claimed') throw new Error(`expected a claim, got ${claim.outcome}`);
  return claim.claimId;
}

const CREATED: StoredResponse = {
  status: 201,
  headers: { ETag: '"1"', Location: '/api/v1/organizations/x/teams/1' },
  body: '{"success":true,"data":{"z":1,"a":[2,1]},"meta":{"request_id":"req_1"}}',
};

/** Rows of the table visible in the organization's scope (row-level security applies). */
function rowsIn(organizationId: string) {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('app.organization_id', ${organizationId}, true)`.execute(trx);
    return trx.selectFrom('idempotency_keys').selectAll().orderBy('key').execute();
  });
}

// On PostgreSQL the store runs twice: as a transaction per call, and pipelined (as the app runs it:
// each statement with the scope ahead of it, one implicit transaction and one round trip each).
const MODES = testDatabaseUrl
  ? (['transactions', 'pipelined'] as const)
  : (['transactions'] as const);

describe.each(MODES)(`IdempotencyStore on ${ENGINE}, %s`, (mode) => {
  beforeAll(() => {
    const pipelined = mode === 'pipelined' ? database.handle.pipelined : undefined;
    if (mode === 'pipelined' && !pipelined) throw new Error('PostgreSQL offers pipelining');
    store = postgresIdempotencyStore(db, pipelined);
  });

  it('claims a fresh key, answers in_progress to a repeat, then replays the stored response', async () => {
    const key = aKey();
    const claimId = claimIdOf(await claimOf({ key }));
    expect(await claimOf({ key, now: at(1000) })).toEqual({ outcome: 'in_progress' });

    expect(await store.complete({ organizationId: orgA, key, claimId }, CREATED)).toBe(true);
    expect(await claimOf({ key, now: at(2000) })).toEqual({ outcome: 'replay', response: CREATED });
    // The body comes back byte for byte (key order included), not re-serialized.
    const replayed = await claimOf({ key, now: at(3000) });
    expect(replayed.outcome === 'replay' && replayed.response.body).toBe(CREATED.body);
  });

  it('replays an empty body as null', async () => {
    const key = aKey();
    const claimId = claimIdOf(await claimOf({ key }));
    const noContent: StoredResponse = { status: 204, headers: {}, body: null };
    await store.complete({ organizationId: orgA, key, claimId }, noContent);
    expect(await claimOf({ key })).toEqual({ outcome: 'replay', response: noContent });
  });

  it('answers mismatch to another request with the key, running or completed', async () => {
    const key = aKey();
    const claimId = claimIdOf(await claimOf({ key }));
    expect(await claimOf({ key, requestHash: 'hash-2' })).toEqual({ outcome: 'mismatch' });
    await store.complete({ organizationId: orgA, key, claimId }, CREATED);
    expect(await claimOf({ key, requestHash: 'hash-2' })).toEqual({ outcome: 'mismatch' });
  });

  it('lets a released key be claimed afresh, by any request', async () => {
    const key = aKey();
    const claimId = claimIdOf(await claimOf({ key }));
    await store.release({ organizationId: orgA, key, claimId });
    expect((await claimOf({ key, requestHash: 'hash-2' })).outcome).toBe('claimed');
  });

  it('does not let release or complete touch a completed key or another claim', async () => {
    const key = aKey();
    const claimId = claimIdOf(await claimOf({ key }));
    const stranger = { organizationId: orgA, key, claimId: crypto.randomUUID() };
    await store.release(stranger);
    expect(await store.complete(stranger, CREATED)).toBe(false);
    expect(await claimOf({ key })).toEqual({ outcome: 'in_progress' });

    await store.complete({ organizationId: orgA, key, claimId }, CREATED);
    await store.release({ organizationId: orgA, key, claimId });
    expect(await claimOf({ key })).toEqual({ outcome: 'replay', response: CREATED });
  });

  it('treats an attempt past its lock as abandoned: the same request takes over', async () => {
    const key = aKey();
    const first = claimIdOf(await claimOf({ key }));
    expect(await claimOf({ key, now: at(LOCK - 1) })).toEqual({ outcome: 'in_progress' });
    // Another request cannot take an abandoned key: it was used for something else.
    expect(await claimOf({ key, now: at(LOCK), requestHash: 'hash-2' })).toEqual({
      outcome: 'mismatch',
    });

    const second = claimIdOf(await claimOf({ key, now: at(LOCK) }));
    expect(second).not.toBe(first);
    expect(await claimOf({ key, now: at(LOCK + 1) })).toEqual({ outcome: 'in_progress' });

    // The first attempt wakes up late: its answer is not kept, and it cannot free the key.
    expect(await store.complete({ organizationId: orgA, key, claimId: first }, CREATED)).toBe(
      false,
    );
    await store.release({ organizationId: orgA, key, claimId: first });
    expect(await claimOf({ key, now: at(LOCK + 2) })).toEqual({ outcome: 'in_progress' });

    const answer = { ...CREATED, status: 200 };
    expect(await store.complete({ organizationId: orgA, key, claimId: second }, answer)).toBe(true);
    expect(await claimOf({ key, now: at(LOCK + 3) })).toEqual({
      outcome: 'replay',
      response: answer,
    });
  });

  it('keeps a response 24 h; after that the key is free for any request', async () => {
    const key = aKey();
    const claimId = claimIdOf(await claimOf({ key }));
    await store.complete({ organizationId: orgA, key, claimId }, CREATED);
    expect(await claimOf({ key, now: at(TTL - 1), requestHash: 'hash-2' })).toEqual({
      outcome: 'mismatch',
    });
    expect(await claimOf({ key, now: at(TTL - 1) })).toEqual({
      outcome: 'replay',
      response: CREATED,
    });

    const renewed = claimIdOf(await claimOf({ key, now: at(TTL), requestHash: 'hash-2' }));
    expect(await claimOf({ key, now: at(TTL + 1), requestHash: 'hash-2' })).toEqual({
      outcome: 'in_progress',
    });
    const later = { ...CREATED, body: '{"second":true}' };
    await store.complete({ organizationId: orgA, key, claimId: renewed }, later);
    expect(await claimOf({ key, now: at(TTL + 2), requestHash: 'hash-2' })).toEqual({
      outcome: 'replay',
      response: later,
    });
  });

  it('keeps keys per organization, each visible only in its own scope', async () => {
    const key = aKey();
    const inA = claimIdOf(await claimOf({ key }));
    const inB = claimIdOf(await claimOf({ key, organizationId: orgB, requestHash: 'hash-2' }));
    await store.complete({ organizationId: orgB, key, claimId: inB }, CREATED);
    expect(await claimOf({ key })).toEqual({ outcome: 'in_progress' });
    expect(await store.complete({ organizationId: orgA, key, claimId: inB }, CREATED)).toBe(false);
    await store.complete({ organizationId: orgA, key, claimId: inA }, { ...CREATED, status: 200 });

    const rowsOfA = (await rowsIn(orgA)).filter((row) => row.key === key);
    const rowsOfB = (await rowsIn(orgB)).filter((row) => row.key === key);
    expect(rowsOfA.map((row) => [row.organization_id, row.response_status])).toEqual([[orgA, 200]]);
    expect(rowsOfB.map((row) => [row.organization_id, row.response_status])).toEqual([[orgB, 201]]);
    // Outside any organization's scope the application role sees no row at all.
    expect(await db.selectFrom('idempotency_keys').selectAll().execute()).toEqual([]);
  });

  it('purges expired rows of the organization on the next claim, and only those', async () => {
    const org = await anOrganization();
    const other = await anOrganization();
    const old = [aKey(), aKey(), aKey()];
    for (const organizationId of [org, other]) {
      for (const key of old) {
        const claimId = claimIdOf(await claimOf({ key, organizationId }));
        await store.complete({ organizationId, key, claimId }, CREATED);
      }
    }
    const fresh = aKey();
    claimIdOf(await claimOf({ key: fresh, organizationId: org, now: at(TTL + 1) }));

    expect((await rowsIn(org)).map((row) => row.key)).toEqual([fresh]);
    expect((await rowsIn(other)).map((row) => row.key)).toEqual([...old].sort());
  });

  it('purges an organization at most once a second by the claims clock', async () => {
    const org = await anOrganization();
    const keyed = async (key: string, offsetMs: number, ttlMs = TTL) =>
      claimIdOf(await claimOf({ key, organizationId: org, now: at(offsetMs), ttlMs }));
    const keys = async () => (await rowsIn(org)).map((row) => row.key);
    const [lasting, brief, within, after] = [aKey(), aKey(), aKey(), aKey()];
    await keyed(lasting, 0); // the organization's first claim here: purged (nothing expired)
    await keyed(brief, 100, 100); // expires at 200 ms
    await keyed(within, 300); // brief has expired, but the last purge was 300 ms ago
    expect(await keys()).toEqual([lasting, brief, within].sort());

    await keyed(after, 1_000); // a second after the last purge: due
    expect(await keys()).toEqual([lasting, within, after].sort());
  });

  it('gives a key to exactly one of 20 concurrent identical claims', async () => {
    const key = aKey();
    const claims = await Promise.all(Array.from({ length: 20 }, () => claimOf({ key })));
    const outcomes = claims.map((claim) => claim.outcome);
    expect(outcomes.filter((outcome) => outcome === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'in_progress')).toHaveLength(19);
  });

  it('gives an abandoned key to exactly one of 20 concurrent takeovers', async () => {
    const key = aKey();
    claimIdOf(await claimOf({ key }));
    const claims = await Promise.all(
      Array.from({ length: 20 }, () => claimOf({ key, now: at(LOCK + 5) })),
    );
    const outcomes = claims.map((claim) => claim.outcome);
    expect(outcomes.filter((outcome) => outcome === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'in_progress')).toHaveLength(19);
  });
});

describe.skipIf(!testDatabaseUrl)('on PostgreSQL (skipped on PGlite)', () => {
  it('pipelined, claims, completes, replays and releases in one round trip each', async () => {
    const counted = countedPipeline(database.url!, { role: APP_ROLE });
    try {
      const pipelinedStore = postgresIdempotencyStore(db, counted.connect);
      const trips = async <T>(call: () => Promise<T>) => {
        counted.reset();
        const result = await call();
        return { result, trips: counted.trips() };
      };
      const key = aKey();
      const request = {
        organizationId: orgA,
        key,
        requestHash: 'hash-1',
        now: NOW,
        ttlMs: TTL,
        lockMs: LOCK,
      };
      const claimed = await trips(() => pipelinedStore.claim(request));
      expect(claimed.trips).toBe(1);
      const claimId = claimIdOf(claimed.result);
      expect(
        await trips(() => pipelinedStore.complete({ organizationId: orgA, key, claimId }, CREATED)),
      ).toEqual({ result: true, trips: 1 });
      // A replay: the INSERT finds the key held, then the row is read (two statements).
      expect(await trips(() => pipelinedStore.claim({ ...request, now: at(1000) }))).toEqual({
        result: { outcome: 'replay', response: CREATED },
        trips: 2,
      });
      const otherKey = aKey();
      const other = claimIdOf(await pipelinedStore.claim({ ...request, key: otherKey }));
      expect(
        (
          await trips(() =>
            pipelinedStore.release({ organizationId: orgA, key: otherKey, claimId: other }),
          )
        ).trips,
      ).toBe(1);
      // Released: the key is free to claim again.
      expect((await pipelinedStore.claim({ ...request, key: otherKey })).outcome).toBe('claimed');
    } finally {
      await counted.end();
    }
  });
});
