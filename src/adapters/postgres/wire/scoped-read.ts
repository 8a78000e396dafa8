// Reads in one round trip on PostgreSQL. A unit of work opens a transaction, sets the tenant scope,
// runs its statements and commits: at least three round trips, each a write and a wake-up on both
// sides. A read needs neither BEGIN nor COMMIT: every statement it sends goes out as one
// extended-protocol batch — the scope statement (read-only, set_config(…, true)), then the
// statement itself, then one Sync — which PostgreSQL runs as one implicit transaction. The scope
// lasts exactly that transaction, so a pooled connection never carries it to another request.
import type pg from 'pg';
import type { TenantScope } from '../../../application/shared/unit-of-work.js';
import type { Db } from '../database.js';
import { releaseClient } from '../lost-connections.js';
import { clientKysely } from './client-kysely.js';
import { submitPrepared } from './pg-internals.js';
import { READ_SCOPE_SQL, type ScopeIds } from './tenant-scope.js';

/** A Kysely bound to one checked-out client, every statement sent with the scope ahead of it. */
const scopedKysely = (client: pg.PoolClient, scope: ScopeIds): Db =>
  clientKysely((compiled) =>
    // The scope unnamed: its row arrives as a result of its own, ahead of the statement's.
    submitPrepared(client, compiled.sql, compiled.parameters, [
      { text: READ_SCOPE_SQL, values: scope, name: undefined },
    ]),
  );

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
