// Reads in one round trip on PostgreSQL. A unit of work opens a transaction, sets the tenant scope,
// runs its statements and commits: at least three round trips, each a write and a wake-up on both
// sides. A read needs neither BEGIN nor COMMIT: every statement it sends goes out as one
// extended-protocol batch — the scope statement (read-only, set_config(…, true)), then the
// statement itself, then one Sync — which PostgreSQL runs as one implicit transaction. The scope
// lasts exactly that transaction, so a pooled connection never carries it to another request.
import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import type pg from 'pg';
import type { TenantScope } from '../../application/shared/unit-of-work.js';
import type { Database, Db } from './database.js';
import {
  PreparedQuery,
  submitPrepared,
  type PgConnection,
  type PgQueryConfig,
} from './prepared-statements.js';

/** Read-only first (a write sent through a read fails), then the scope row-level security reads. */
export const READ_SCOPE_SQL =
  "select set_config('transaction_read_only', 'on', true), " +
  "set_config('app.organization_id', $1, true), set_config('app.user_id', $2, true)";

/** A prepared query with the scope statement written ahead of it, before the single Sync. */
export class ScopedQuery extends PreparedQuery {
  /** The values of READ_SCOPE_SQL: organization id, user id ('' for none). */
  readonly scope: readonly [string, string];

  constructor(scope: readonly [string, string], config: PgQueryConfig) {
    super(config);
    this.scope = scope;
  }

  override prepare(connection: PgConnection): void {
    connection.parse({ text: READ_SCOPE_SQL, name: '', types: [] });
    connection.bind({
      portal: '',
      statement: '',
      values: [...this.scope],
      valueMapper: (value) => value, // two strings
    });
    // Described so that its row arrives as a result of its own, ahead of the statement's.
    connection.describe({ type: 'P', name: '' });
    connection.execute({ portal: '', rows: 0 });
    super.prepare(connection);
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

function scopedConnection(
  client: pg.PoolClient,
  scope: readonly [string, string],
): DatabaseConnection {
  return {
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      const result = await scopedQuery(client, scope, compiled);
      const { command, rowCount, rows } = result;
      const changes =
        command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
      return {
        rows: rows as R[],
        ...(changes && rowCount !== null && { numAffectedRows: BigInt(rowCount) }),
      };
    },
    // eslint-disable-next-line require-yield -- the interface wants a generator; reads stream nothing
    async *streamQuery() {
      throw new Error('Scoped reads do not stream');
    },
  };
}

/** A Kysely bound to one checked-out client, every statement sent with the scope ahead of it. */
function scopedKysely(client: pg.PoolClient, scope: readonly [string, string]): Db {
  const connection = scopedConnection(client, scope);
  const refuse = () => Promise.reject(new Error('A scoped read opens no transaction'));
  const driver: Driver = {
    init: () => Promise.resolve(),
    acquireConnection: () => Promise.resolve(connection),
    beginTransaction: refuse,
    commitTransaction: refuse,
    rollbackTransaction: refuse,
    releaseConnection: () => Promise.resolve(),
    destroy: () => Promise.resolve(),
  };
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

/** Runs read-only work on a connection of its own, each statement in the scope, in one trip each. */
export type ScopedReader = <T>(scope: TenantScope, work: (db: Db) => Promise<T>) => Promise<T>;

export function scopedReader(connect: () => Promise<pg.PoolClient>): ScopedReader {
  return async (scope, work) => {
    const client = await connect();
    try {
      return await work(scopedKysely(client, [scope.organizationId ?? '', scope.userId ?? '']));
    } finally {
      client.release();
    }
  };
}
