// Stored responses for Idempotency-Key. A claim is its own short transaction scoped to the
// organization (row-level security), committed before the request runs, so every instance sees
// it at once; one INSERT … ON CONFLICT decides which attempt holds a key. The attempt then runs as
// one request transaction (request-transaction.ts) and its answer is stored in it, just before
// its COMMIT (on PostgreSQL in the COMMIT's round trip). On PostgreSQL (pipelined) a claim, a
// completion on its own or a release goes out with the scope (and, for a claim that is due one,
// the purge of expired rows) ahead of it and one Sync, which PostgreSQL runs as one implicit
// transaction: one round trip, where a transaction of its own took four or five.
import { randomUUID } from 'node:crypto';
import { sql, type QueryCreator } from 'kysely';
import type {
  IdempotencyClaim,
  IdempotencyClaimRef,
  IdempotencyStore,
  StoredResponse,
} from '../../application/shared/idempotency.js';
import type { Database, Db } from './database.js';
import { purgeSchedule } from './purge-schedule.js';
import { inRequestTransaction } from './request-transaction.js';
import { defer, QueryTemplates } from './wire/index.js';
import type { PipelineConnector } from './wire/pipeline.js';
import { inScopedTransaction, scopeIds } from './wire/tenant-scope.js';

/**
 * A claim purges its organization's expired rows when this store has not done so for a second
 * (by the claims' clock), up to this many: the table stays bounded while an organization's keyed
 * writes through one process stay under a thousand a second, and the other claims send no purge.
 */
const PURGE_INTERVAL_MS = 1_000;
const PURGE_BATCH = 1_000;

/**
 * Runs `work` in the organization's scope: in one transaction, or (pipelined) with the scope ahead
 * of each statement, every statement an implicit transaction of its own.
 */
type InOrganization = <T>(organizationId: string, work: (db: Db) => Promise<T>) => Promise<T>;

function inTransaction(db: Db): InOrganization {
  return (organizationId, work) => inScopedTransaction(db, { organizationId }, work);
}

function pipelinedStatements(open: PipelineConnector): InOrganization {
  return async (organizationId, work) => {
    const session = await open();
    session.scopeEachBatch(scopeIds({ organizationId }));
    try {
      return await work(session.db);
    } finally {
      session.release();
    }
  };
}

/** The compiled statements of every idempotency store (the same SQL for every connection). */
const templates = new QueryTemplates();

export function postgresIdempotencyStore(db: Db, pipelined?: PipelineConnector): IdempotencyStore {
  const inOrganization = pipelined ? pipelinedStatements(pipelined) : inTransaction(db);
  const purges = purgeSchedule(PURGE_INTERVAL_MS);
  /** Whether the attempt still holds its claim (asked after its commit failed). */
  const isHeld = (claim: IdempotencyClaimRef) =>
    inOrganization(claim.organizationId, async (trx) => {
      const row = await trx
        .selectFrom('idempotency_keys')
        .select('claim_id')
        .where('organization_id', '=', claim.organizationId)
        .where('key', '=', claim.key)
        .executeTakeFirst();
      return row?.claim_id === claim.claimId;
    });
  const complete: IdempotencyStore['complete'] = async (claim, response) => {
    const values = completionValues(claim, response);
    const result = await inOrganization(claim.organizationId, (trx) =>
      trx.executeQuery(
        templates.compile({ query: 'complete' }, values, (...params) => completeClaim(trx, params)),
      ),
    );
    return (result.numAffectedRows ?? 0n) > 0n;
  };

  return {
    complete,

    claim(request) {
      const { organizationId, key, requestHash, now } = request;
      const claimId = randomUUID();
      return inOrganization(organizationId, async (trx) => {
        // When due, expired rows of the organization go first, so the table stays bounded
        // (pipelined: ahead of the first INSERT, in its implicit transaction).
        if (purges.due(organizationId, now)) {
          await defer(
            trx,
            templates.compile({ query: 'purge' }, [organizationId, now] as const, (org, at) =>
              purgeExpired(trx, org, at),
            ),
          );
        }
        // A row that vanishes between the two statements (released, purged) is claimed on the
        // next turn; READ COMMITTED gives each statement a fresh snapshot.
        const insert = templates.compile(
          { query: 'claim' },
          [
            organizationId,
            key,
            requestHash,
            claimId,
            now,
            new Date(now.getTime() + request.lockMs),
            new Date(now.getTime() + request.ttlMs),
          ] as const,
          (org, k, hash, claim, at, lockedUntil, expiresAt) =>
            trx
              .insertInto('idempotency_keys')
              .values({
                organization_id: org,
                key: k,
                request_hash: hash,
                state: 'in_progress',
                claim_id: claim,
                created_at: at,
                locked_until: lockedUntil,
                expires_at: expiresAt,
              })
              // An expired row counts as absent; so does an abandoned attempt at the same request.
              .onConflict((oc) =>
                oc
                  .columns(['organization_id', 'key'])
                  .doUpdateSet((eb) => ({
                    request_hash: eb.ref('excluded.request_hash'),
                    state: 'in_progress',
                    claim_id: eb.ref('excluded.claim_id'),
                    response_status: null,
                    response_headers: null,
                    response_body: null,
                    created_at: eb.ref('excluded.created_at'),
                    locked_until: eb.ref('excluded.locked_until'),
                    expires_at: eb.ref('excluded.expires_at'),
                  }))
                  .where((eb) =>
                    eb.or([
                      eb('idempotency_keys.expires_at', '<=', at),
                      eb.and([
                        eb('idempotency_keys.state', '=', 'in_progress'),
                        eb('idempotency_keys.locked_until', '<=', at),
                        eb('idempotency_keys.request_hash', '=', hash),
                      ]),
                    ]),
                  ),
              )
              .returning('claim_id'),
        );
        const find = templates.compile(
          { query: 'held' },
          [organizationId, key] as const,
          (org, k) =>
            trx
              .selectFrom('idempotency_keys')
              .select([
                'request_hash',
                'state',
                'response_status',
                'response_headers',
                'response_body',
              ])
              .where('organization_id', '=', org)
              .where('key', '=', k),
        );
        for (let attempt = 0; attempt < 3; attempt += 1) {
          const claimed = (await trx.executeQuery(insert)).rows[0];
          if (claimed) return { outcome: 'claimed', claimId };
          const held = (await trx.executeQuery(find)).rows[0];
          if (!held) continue;
          if (held.request_hash !== requestHash) return { outcome: 'mismatch' };
          if (held.state === 'in_progress' || held.response_status === null) {
            return { outcome: 'in_progress' };
          }
          const response: StoredResponse = {
            status: held.response_status,
            headers: held.response_headers ?? {},
            body: held.response_body,
          };
          return { outcome: 'replay', response } satisfies IdempotencyClaim;
        }
        throw new Error(`Idempotency key ${key} kept changing hands; giving up`);
      });
    },

    async runClaimed(claim, attempt) {
      const request = await inRequestTransaction(attempt);
      const { value: response, transaction } = request;
      if (response === undefined) {
        await transaction?.rollback();
        return 'not_kept';
      }
      // Nothing written through a unit of work (refused before any write): stored on its own.
      if (transaction === undefined) {
        return (await complete(claim, response)) ? 'stored' : 'taken_over';
      }
      try {
        await transaction.commit((trx) =>
          defer(trx, completionInTransaction(trx, claim, response)),
        );
      } catch (error) {
        if (!(await isHeld(claim).catch(() => true))) return 'taken_over';
        throw error;
      }
      await request.runEffects();
      return 'stored';
    },

    async release(claim) {
      await inOrganization(claim.organizationId, async (trx) => {
        await trx
          .deleteFrom('idempotency_keys')
          .where('organization_id', '=', claim.organizationId)
          .where('key', '=', claim.key)
          .where('claim_id', '=', claim.claimId)
          .where('state', '=', 'in_progress')
          .execute();
      });
    },
  };
}

/**
 * The completion of a claim that must hold: with no row (the claim was lost to a takeover) the
 * cast fails the statement, and with it the COMMIT it rides ahead of, so the attempt's change
 * does not commit beside the answer another attempt gave. (A CASE on an aggregate: nothing there
 * is constant, so the planner cannot fold the failing cast ahead of time.)
 */
function completionInTransaction(trx: Db, claim: IdempotencyClaimRef, response: StoredResponse) {
  const values = completionValues(claim, response);
  return templates.compile({ query: 'complete-held' }, values, (...params) =>
    trx
      .with('completed', (db) => completeClaim(db, params).returning('claim_id'))
      .selectFrom('completed')
      .select(
        sql<number>`(case count(*) when 1 then '1' else 'idempotency claim lost' end)::int`.as(
          'held',
        ),
      ),
  );
}

/** The values `completeClaim` binds, in its order. */
const completionValues = (claim: IdempotencyClaimRef, response: StoredResponse) =>
  [
    response.status,
    JSON.stringify(response.headers),
    response.body,
    claim.organizationId,
    claim.key,
    claim.claimId,
  ] as const;

type CompletionValues = ReturnType<typeof completionValues>;

/** The answer stored on the claim's row, if the claim still holds it (both completions). */
const completeClaim = (
  db: QueryCreator<Database>,
  [status, headers, body, org, key, claimId]: CompletionValues,
) =>
  db
    .updateTable('idempotency_keys')
    .set({
      state: 'completed',
      response_status: status,
      response_headers: headers,
      response_body: body,
      locked_until: null,
    })
    .where('organization_id', '=', org)
    .where('key', '=', key)
    .where('claim_id', '=', claimId)
    .where('state', '=', 'in_progress');

/** Deletes up to PURGE_BATCH expired rows; rows another transaction holds are left for later. */
const purgeExpired = (db: Db, organizationId: string, now: Date) =>
  db
    .deleteFrom('idempotency_keys')
    .where('organization_id', '=', organizationId)
    .where('expires_at', '<=', now)
    .where('key', 'in', (eb) =>
      eb
        .selectFrom('idempotency_keys')
        .select('key')
        .where('organization_id', '=', organizationId)
        .where('expires_at', '<=', now)
        .orderBy('expires_at')
        .limit(PURGE_BATCH)
        .forUpdate()
        .skipLocked(),
    );
