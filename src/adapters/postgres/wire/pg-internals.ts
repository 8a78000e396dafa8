// Everything that relies on `pg` beyond its public, typed API, in one place. pg runs a query
// through its (untyped) Query class: prepare() writes Parse/Bind/Describe/Execute/Sync on the
// connection, handleError() ends it, and the connection keeps the names it has prepared in
// `parsedStatements`. Prepared statements of our own naming and statements written ahead of a
// query (pipeline.ts, scoped-read.ts) subclass that class, call those connection methods and read
// that record, and bind values with pg's own `prepareValue` (pg/lib/utils.js, loaded by path).
// None of it is covered by pg's types or semver: TESTED_VERSIONS lists the versions this file
// was written against (package.json pins them exactly), and
// test/unit/adapters/pg-internals.test.ts fails when the installed ones differ or no longer
// behave as relied on here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { queryFailure, releaseClient } from '../lost-connections.js';
import { statementName } from './statement-names.js';

/** The versions of pg and of the packages it brings whose internals this file relies on. */
export const TESTED_VERSIONS = {
  pg: '8.23.1',
  'pg-protocol': '1.16.1',
  'pg-pool': '3.14.0',
} as const;

const require = createRequire(import.meta.url);

/** The installed version of each package of TESTED_VERSIONS, as pg itself resolves them. */
export function installedVersions(): Record<keyof typeof TESTED_VERSIONS, string> {
  const pgMain = require.resolve('pg');
  const fromPg = createRequire(pgMain);
  const versionAt = (main: string, name: string) => {
    for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (manifest.name === name) return manifest.version ?? '';
      } catch {
        // no package.json at this level
      }
    }
    return '';
  };
  return {
    pg: versionAt(pgMain, 'pg'),
    'pg-protocol': versionAt(fromPg.resolve('pg-protocol'), 'pg-protocol'),
    'pg-pool': versionAt(fromPg.resolve('pg-pool'), 'pg-pool'),
  };
}

/**
 * pg turns values into wire text (Dates, arrays, JSON, Buffers) with this; its own prepared
 * statements use the same function, so a statement written ahead binds exactly as it would alone.
 */
export const { prepareValue } = require('pg/lib/utils.js') as {
  prepareValue(this: void, value: unknown): unknown;
};

/** What pg's Query calls on the connection in `prepare`; the parts this file calls or reads. */
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
  readonly text: string;
  readonly values: readonly unknown[];
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

// pg's types declare Query as a plain object; it is the class every query runs through.
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

/** A statement written ahead of a query, its values in wire form already (`prepareValue`). */
export interface AheadStatement {
  readonly text: string;
  readonly values: readonly unknown[];
  /** Its prepared statement on the connection, or undefined: parsed every time (unnamed). */
  readonly name: string | undefined;
}

/**
 * A prepared statement with other statements written ahead of it, before the single Sync. Those
 * are prepared statements of the connection too, parsed and planned the first time it sees them
 * (pg tracks only the main statement's parse, so this query keeps their names' books; after an
 * error, which skips the rest of the batch, each is closed and parsed again at its next use).
 */
class PipelinedQuery extends PreparedQuery {
  readonly ahead: readonly AheadStatement[];

  constructor(ahead: readonly AheadStatement[], config: PgQueryConfig) {
    super(config);
    this.ahead = ahead;
  }

  override handleError(error: Error, connection: PgConnection): void {
    for (const { name } of this.ahead) if (name) delete connection.parsedStatements[name];
    super.handleError(error, connection);
  }

  override prepare(connection: PgConnection): void {
    for (const statement of this.ahead) {
      const name = statement.name ?? '';
      if (name === '' || connection.parsedStatements[name] === undefined) {
        if (name !== '') {
          connection.close({ type: 'S', name });
          connection.parsedStatements[name] = statement.text;
        }
        connection.parse({ text: statement.text, name, types: [] });
      }
      connection.bind({
        portal: '',
        statement: name,
        values: [...statement.values],
        valueMapper: (value) => value, // mapped by prepareValue when it was held
      });
      // Rows (a lock's void) arrive as a result of their own; an INSERT describes as NoData.
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '', rows: 0 });
    }
    super.prepare(connection);
  }
}

/**
 * Sends `text` as the prepared statement of `text` on `client`, with `ahead` written before it in
 * the same batch and round trip; resolves with the statement's result (the last one).
 */
export function submitPrepared(
  client: pg.PoolClient,
  text: string,
  values: readonly unknown[],
  ahead: readonly AheadStatement[] = [],
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const config: PgQueryConfig = {
      name: statementName(client, text),
      text,
      values,
      queryMode: 'extended',
      callback: (error, results) => {
        if (error) return reject(queryFailure(client, error));
        const last = Array.isArray(results) ? results.at(-1) : results;
        return last ? resolve(last) : reject(new Error('The statement returned no result'));
      },
    };
    const query = ahead.length > 0 ? new PipelinedQuery(ahead, config) : new PreparedQuery(config);
    // pg runs any object with submit() (a "submittable") as it runs its own queries.
    void client.query(query as unknown as pg.QueryConfig);
  });
}

/**
 * What a query of ours puts on the wire, the statements ahead of it included; undefined for any
 * other query (bench/harness/capture.ts records the SQL a request sends with it).
 */
export function sentByWire(query: unknown):
  | {
      readonly text: string;
      readonly values: readonly unknown[];
      readonly ahead: readonly AheadStatement[];
    }
  | undefined {
  if (!(query instanceof PreparedQuery)) return undefined;
  const ahead = query instanceof PipelinedQuery ? query.ahead : [];
  return { text: query.text, values: query.values, ahead };
}

const preparingClients = new WeakMap<pg.PoolClient, PostgresPoolClient>();

/**
 * The client as Kysely's PostgresDialect sees it: a statement with parameters goes out as a
 * prepared statement of the connection (planned once); a parameterless one (`begin`, a
 * migration's DDL) as the simple query it is.
 */
export function preparingClient(client: pg.PoolClient): PostgresPoolClient {
  let wrapped = preparingClients.get(client);
  if (!wrapped) {
    const query = (text: unknown, values?: readonly unknown[]) =>
      typeof text === 'string' && values !== undefined && values.length > 0
        ? submitPrepared(client, text, values)
        : client.query(text as string, values as unknown[]).catch((error: unknown) => {
            throw queryFailure(client, error);
          });
    wrapped = {
      // Kysely's type overloads query() for cursors, which nothing here streams.
      query: query as unknown as PostgresPoolClient['query'],
      release: () => releaseClient(client),
    };
    preparingClients.set(client, wrapped);
  }
  return wrapped;
}
