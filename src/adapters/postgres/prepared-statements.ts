// Prepared statements on PostgreSQL: every statement with parameters is a named prepared statement
// of its connection, so PostgreSQL parses and plans it once per connection (the task list's
// ~0.45 ms of planning, the dozen statements of a create). Names are a hash of the text; a
// connection holds at most STATEMENTS_PER_CONNECTION of them, beyond which statements are parsed
// every time. Used by the client Kysely gets (connect.ts) and by the one-trip reads (scoped-read.ts).
import { createHash } from 'node:crypto';
import pg from 'pg';
import { queryFailure } from './lost-connections.js';

/** What pg's Query does in `prepare` and `submit`; the parts this file calls or overrides. */
export interface PgConnection {
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
export interface PgQueryConfig {
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
export class PreparedQuery extends PgQueryClass {
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

/** Prepared statements a connection may hold; beyond it, statements are parsed every time. */
const STATEMENTS_PER_CONNECTION = 200;
const preparedCount = new WeakMap<pg.PoolClient, Set<string>>();
const names = new Map<string, string>();

/**
 * The name of `text`'s prepared statement on this client, or undefined (parse it every time) once
 * the client holds its share. The application sends a few hundred shapes at most (each list
 * filter combination is one, each label count of an insert another).
 */
export function statementName(client: pg.PoolClient, text: string): string | undefined {
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

/** Sends a parameterized statement as a prepared statement of `client`. */
export function preparedQuery(
  client: pg.PoolClient,
  text: string,
  values: readonly unknown[],
): Promise<pg.QueryResult> {
  return submitPrepared(client, text, values, (config) => new PreparedQuery(config));
}

/**
 * Submits the query `make` builds (a PreparedQuery, or one that writes more ahead of it) as the
 * prepared statement of `text` on `client`; resolves with the statement's result, the last one.
 */
export function submitPrepared(
  client: pg.PoolClient,
  text: string,
  values: readonly unknown[],
  make: (config: PgQueryConfig) => PreparedQuery,
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const query = make({
      name: statementName(client, text),
      text,
      values,
      queryMode: 'extended',
      callback: (error, results) => {
        if (error) return reject(queryFailure(client, error));
        const last = Array.isArray(results) ? results.at(-1) : results;
        return last ? resolve(last) : reject(new Error('The statement returned no result'));
      },
    });
    void client.query(query as unknown as pg.QueryConfig);
  });
}
