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
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { TenantScope } from '../../application/shared/unit-of-work.js';
import type { Database, Db } from './database.js';

/** Read-only first (a write sent through a read fails), then the scope row-level security reads. */
export const READ_SCOPE_SQL =
  "select set_config('transaction_read_only', 'on', true), " +
  "set_config('app.organization_id', $1, true), set_config('app.user_id', $2, true)";

/** What pg's Query does in `prepare` and `submit`; the parts this file calls or overrides. */
interface PgConnection {
  parse(message: { text: string; name: string; types: unknown[] }): void;
  bind(message: {
    portal: string;
    statement: string;
    values: unknown[];
    valueMapper: (value: unknown) => unknown;
  }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: { portal: string; rows: number }): void;
  close(message: { type: 'S'; name: string }): void;
  /** Names of the statements this connection has prepared, with their text (pg keeps it). */
  readonly parsedStatements: Record<string, string>;
}
interface PgQuery {
  readonly name: string | undefined;
  prepare(connection: PgConnection): void;
  handleError(error: Error, connection: PgConnection): void;
}
interface PgQueryConfig {
  /** Set: a prepared statement of that name, parsed and planned once per connection. */
  readonly name: string | undefined;
  readonly text: string;
  readonly values: readonly unknown[];
  readonly queryMode: 'extended';
  readonly callback: (error: Error | null, results: pg.QueryResult | pg.QueryResult[]) => void;
}

const PgQueryClass = pg.Query as unknown as new (config: PgQueryConfig) => PgQuery;

/**
 * pg's own Query as a named prepared statement: parsed (and planned: PostgreSQL keeps its plan)
 * the first time a connection sees it. After any error the next use parses it again, and the
 * batch that parses closes the name first, so it never collides with a statement that did get
 * prepared: a statement pg wrongly believes parsed, or whose plan went stale (`cached plan must
 * not change result type` after a migration), fails once, not for the life of the connection.
 */
class PreparedQuery extends PgQueryClass {
  override handleError(error: Error, connection: PgConnection): void {
    if (this.name) delete connection.parsedStatements[this.name];
    super.handleError(error, connection);
  }

  override prepare(connection: PgConnection): void {
    if (this.name && connection.parsedStatements[this.name] === undefined) {
      connection.close({ type: 'S', name: this.name });
    }
    super.prepare(connection);
  }
}

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

/** Prepared statements a connection may hold; beyond it, statements are parsed every time. */
const STATEMENTS_PER_CONNECTION = 200;
const preparedCount = new WeakMap<pg.PoolClient, Set<string>>();
const names = new Map<string, string>();

/**
 * The prepared statement for `text` on this client: reads repeat a few dozen shapes (each list
 * filter combination is one), so planning once per connection saves PostgreSQL ~0.4 ms a list.
 */
function statementName(client: pg.PoolClient, text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined) {
    name = `tf_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`;
    if (names.size < 10_000) names.set(text, name);
  }
  let held = preparedCount.get(client);
  if (!held) {
    held = new Set();
    preparedCount.set(client, held);
  }
  if (held.has(name)) return name;
  if (held.size >= STATEMENTS_PER_CONNECTION) return undefined;
  held.add(name);
  return name;
}

/**
 * Sends a parameterized statement as a prepared statement of `client` (pg's own Query otherwise):
 * what the Kysely of the unit of work uses, so writes too are planned once per connection.
 */
export function preparedQuery(
  client: pg.PoolClient,
  text: string,
  values: readonly unknown[],
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new PreparedQuery({
      name: statementName(client, text),
      text,
      values,
      queryMode: 'extended',
      callback: (error, result) => {
        if (error) return reject(error);
        return resolve(result as pg.QueryResult);
      },
    });
    void client.query(query as unknown as pg.QueryConfig);
  });
}

function scopedQuery(
  client: pg.PoolClient,
  scope: readonly [string, string],
  compiled: CompiledQuery,
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new ScopedQuery(scope, {
      name: statementName(client, compiled.sql),
      text: compiled.sql,
      values: compiled.parameters,
      queryMode: 'extended',
      callback: (error, results) => {
        if (error) return reject(error);
        // [the scope's row, the statement's result]
        const last = Array.isArray(results) ? results.at(-1) : results;
        return last ? resolve(last) : reject(new Error('A scoped read returned no result'));
      },
    });
    void client.query(query as unknown as pg.QueryConfig);
  });
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
