// A Kysely bound to one checked-out client whose statements go out through a function of ours (a
// scoped read's, a pipelined transaction's). It opens no transaction of its own: whoever checked
// the client out sends BEGIN and COMMIT as statements, or needs none.
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
import type { Database, Db } from '../database.js';

/** pg's result as Kysely reports it (affected rows for the statements that change rows). */
function kyselyResult<R>(result: pg.QueryResult): QueryResult<R> {
  const { command, rowCount, rows } = result;
  const changes =
    command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
  return {
    rows: rows as R[],
    ...(changes && rowCount !== null && { numAffectedRows: BigInt(rowCount) }),
  };
}

export function clientKysely(send: (compiled: CompiledQuery) => Promise<pg.QueryResult>): Db {
  const connection: DatabaseConnection = {
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      return kyselyResult<R>(await send(compiled));
    },
    // eslint-disable-next-line require-yield -- the interface wants a generator; nothing streams here
    async *streamQuery() {
      throw new Error('Statements on a checked-out client do not stream');
    },
  };
  const refuse = () => Promise.reject(new Error('This connection opens no transaction itself'));
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
