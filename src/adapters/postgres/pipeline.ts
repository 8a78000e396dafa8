// Pipelined transactions on PostgreSQL. A write transaction's round trips are what a hot row's lock
// is held across: a create holds its project's counter from the UPDATE that takes it until COMMIT,
// and every trip in between is a wait on both event loops. Many of those statements return nothing
// anyone reads (an INSERT without RETURNING, a history row, an audit entry, taking a lock): on a
// pipelined transaction `sendAhead` holds such a statement, and it goes out ahead of the
// transaction's next statement, in the same extended-protocol batch and round trip (the last ones
// ahead of COMMIT). PostgreSQL runs the batch's statements in order, each with a snapshot of its
// own, so a statement sees the writes and holds the locks of those ahead of it; if one fails, the
// rest are skipped and the statement they rode with fails with its error, which the transaction
// then rolls back.
import { createRequire } from 'node:module';
import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { clientKysely } from './client-kysely.js';
import type { Db } from './database.js';
import { queryFailure, releaseClient } from './lost-connections.js';
import {
  PreparedQuery,
  statementName,
  submitPrepared,
  type PgConnection,
  type PgQueryConfig,
} from './prepared-statements.js';

// pg turns values into wire text (Dates, arrays, JSON, Buffers) with this; its own prepared
// statements use the same function, so a statement sent ahead binds exactly as it would alone.
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as {
  prepareValue(this: void, value: unknown): unknown;
};

/** A statement with its parameters already in wire form. */
export interface Ahead {
  readonly text: string;
  readonly values: unknown[];
}

/** A held statement as it goes out: a prepared statement of the connection (or unnamed). */
interface Named extends Ahead {
  readonly name: string | undefined;
}

/**
 * A prepared statement with other statements written ahead of it, before the single Sync. Those
 * are prepared statements of the connection too, parsed and planned the first time it sees them
 * (pg tracks only the main statement's parse, so this query keeps their names' books; after an
 * error, which skips the rest of the batch, each is closed and parsed again at its next use).
 */
export class PipelinedQuery extends PreparedQuery {
  readonly ahead: readonly Named[];

  constructor(ahead: readonly Named[], config: PgQueryConfig) {
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
        values: statement.values,
        valueMapper: (value) => value, // mapped by prepareValue when it was held
      });
      // Rows (a lock's void) arrive as a result of their own; an INSERT describes as NoData.
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '', rows: 0 });
    }
    super.prepare(connection);
  }
}

/** The statements held on each pipelined transaction's Kysely, until its next statement. */
const held = new WeakMap<Db, Ahead[]>();

/** What `sendAhead` takes: a Kysely query builder whose result nobody reads. */
export interface AheadStatement {
  compile(): CompiledQuery;
  execute(): Promise<unknown>;
}

/** A statement compiled already (a query template's) as `sendAhead` takes it. */
export const compiledAhead = (db: Db, compiled: CompiledQuery): AheadStatement => ({
  compile: () => compiled,
  execute: () => db.executeQuery(compiled),
});

/**
 * Runs `statement` now, or, on a pipelined transaction, holds it to go out ahead of the
 * transaction's next statement, in the same round trip. Only for statements whose result and
 * whose failure nobody needs at this point: an error surfaces from the next statement (or the
 * COMMIT) and fails the transaction, so nothing is lost, but it is not this call's.
 */
export async function sendAhead(db: Db, statement: AheadStatement): Promise<void> {
  const pending = held.get(db);
  if (!pending) {
    await statement.execute();
    return;
  }
  const { sql: text, parameters } = statement.compile();
  pending.push(inWireForm(text, parameters));
}

/** The tenant scope row-level security reads: organization id, user id ('' for none). */
export const TENANT_SCOPE_SQL =
  "select set_config('app.organization_id', $1, true), set_config('app.user_id', $2, true)";

/** A client checked out for one transaction, with the Kysely its statements go through. */
export interface PipelinedSession {
  readonly db: Db;
  /** Holds a statement of the session's own (BEGIN, the scope) to go out ahead of the next one. */
  hold(text: string, values?: readonly unknown[]): void;
  /**
   * Holds a statement ahead of every batch the session sends until it is released: the scope of
   * a session without BEGIN, whose batches are each an implicit transaction of their own.
   */
  holdAheadOfEach(text: string, values?: readonly unknown[]): void;
  /** Drops the statements still held (before a ROLLBACK: they would only fail it). */
  discardHeld(): void;
  /** How many statements are held now: a mark for `discardHeldFrom`. */
  readonly heldCount: number;
  /** How many batches the session has sent: unchanged since a mark, what was held is still held. */
  readonly batchesSent: number;
  /** Drops the statements held after the first `count` (a savepoint that never went out). */
  discardHeldFrom(count: number): void;
  /**
   * Returns the client to the pool; with an error, or when its connection died, the pool closes
   * it instead.
   */
  release(error?: Error): void;
}

export type PipelineConnector = () => Promise<PipelinedSession>;

const inWireForm = (text: string, values: readonly unknown[]): Ahead => ({
  text,
  values: values.map((value) => prepareValue(value)),
});

function pipelinedSession(client: pg.PoolClient): PipelinedSession {
  const pending: Ahead[] = [];
  let aheadOfEach: Ahead[] = [];
  let batchesSent = 0;
  const db = clientKysely((compiled) => {
    const values = compiled.parameters;
    batchesSent += 1;
    if (pending.length === 0 && aheadOfEach.length === 0 && values.length === 0) {
      // A parameterless statement with nothing ahead of it (COMMIT, ROLLBACK): the simple protocol.
      return client.query(compiled.sql).catch((error: unknown) => {
        throw queryFailure(client, error);
      });
    }
    const ahead = [...aheadOfEach, ...pending.splice(0)].map((statement) => ({
      ...statement,
      name: statementName(client, statement.text),
    }));
    return submitPrepared(
      client,
      compiled.sql,
      values,
      (config) => new PipelinedQuery(ahead, config),
    );
  });
  held.set(db, pending);
  return {
    db,
    hold: (text, values = []) => {
      pending.push(inWireForm(text, values));
    },
    holdAheadOfEach: (text, values = []) => {
      aheadOfEach.push(inWireForm(text, values));
    },
    discardHeld: () => {
      pending.length = 0;
    },
    get heldCount() {
      return pending.length;
    },
    get batchesSent() {
      return batchesSent;
    },
    discardHeldFrom: (count) => {
      pending.length = Math.min(pending.length, count);
    },
    release: (error) => {
      pending.length = 0;
      aheadOfEach = [];
      releaseClient(client, error);
    },
  };
}

/** Checks out a client per transaction; a client keeps its session (and Kysely) while pooled. */
export function pipelineConnector(connect: () => Promise<pg.PoolClient>): PipelineConnector {
  const sessions = new WeakMap<pg.PoolClient, PipelinedSession>();
  return async () => {
    const client = await connect();
    let session = sessions.get(client);
    if (!session) {
      session = pipelinedSession(client);
      sessions.set(client, session);
    }
    return session;
  };
}
