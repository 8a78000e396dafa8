// Reads in one round trip on PostgreSQL. A unit of work opens a transaction, sets the tenant scope,
// runs its statements and commits: at least three round trips, each a write and a wake-up on both
// sides. A read needs neither BEGIN nor COMMIT: every statement it sends goes out as one
// extended-protocol batch — the scope statement (read-only, set_config(…, true)), then the
// statement itself, then one Sync — which PostgreSQL runs as one implicit transaction. The scope
// lasts exactly that transaction, so a pooled connection never carries it to another request.
import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import type { TenantScope } from '../../application/shared/unit-of-work.js';
import { clientKysely } from './client-kysely.js';
import type { Db } from './database.js';
import { releaseClient } from './lost-connections.js';
import { PipelinedQuery } from './pipeline.js';
import { submitPrepared, type PgQueryConfig } from './prepared-statements.js';

/** Read-only first (a write sent through a read fails), then the scope row-level security reads. */
export const READ_SCOPE_SQL =
  "select set_config('transaction_read_only', 'on', true), " +
  "set_config('app.organization_id', $1, true), set_config('app.user_id', $2, true)";

/** A prepared query with the scope statement written ahead of it, before the single Sync. */
export class ScopedQuery extends PipelinedQuery {
  /** The values of READ_SCOPE_SQL: organization id, user id ('' for none). */
  readonly scope: readonly [string, string];

  constructor(scope: readonly [string, string], config: PgQueryConfig) {
    // Unnamed: its row arrives as a result of its own, ahead of the statement's.
    super([{ text: READ_SCOPE_SQL, values: [...scope], name: undefined }], config);
    this.scope = scope;
  }
}

/** The statement with the scope ahead of it; the result is the statement's (the scope's row is dropped). */
function scopedQuery(
  client: pg.PoolClient,
  scope: readonly [string, string],
  compiled: CompiledQuery,
): Promise<pg.QueryResult> {
  return submitPrepared(
    client,
    compiled.sql,
    compiled.parameters,
    (config) => new ScopedQuery(scope, config),
  );
}

/** A Kysely bound to one checked-out client, every statement sent with the scope ahead of it. */
const scopedKysely = (client: pg.PoolClient, scope: readonly [string, string]): Db =>
  clientKysely((compiled) => scopedQuery(client, scope, compiled));

/** Runs read-only work on a connection of its own, each statement in the scope, in one trip each. */
export type ScopedReader = <T>(scope: TenantScope, work: (db: Db) => Promise<T>) => Promise<T>;

export function scopedReader(connect: () => Promise<pg.PoolClient>): ScopedReader {
  return async (scope, work) => {
    const client = await connect();
    try {
      return await work(scopedKysely(client, [scope.organizationId ?? '', scope.userId ?? '']));
    } finally {
      releaseClient(client); // closed instead when its connection died
    }
  };
}
