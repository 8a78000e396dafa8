// Pipelined transactions on PostgreSQL. A write transaction's round trips are what a hot row's lock
// is held across: a create holds its project's counter from the UPDATE that takes it until COMMIT,
// and every trip in between is a wait on both event loops. Many of those statements return nothing
// anyone reads (an INSERT without RETURNING, a history row, an audit entry, taking a lock): on a
// pipelined transaction `defer` holds such a statement, and it goes out ahead of the
// transaction's next statement, in the same extended-protocol batch and round trip (the last ones
// ahead of COMMIT). PostgreSQL runs the batch's statements in order, each with a snapshot of its
// own, so a statement sees the writes and holds the locks of those ahead of it; if one fails, the
// rest are skipped and the statement they rode with fails with its error, which the transaction
// then rolls back.
import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import type { Db } from '../database.js';
import { queryFailure, releaseClient } from '../lost-connections.js';
import { clientKysely } from './client-kysely.js';
import { prepareValue, submitPrepared } from './pg-internals.js';
import { statementName } from './statement-names.js';
import { TENANT_SCOPE_SQL, type ScopeIds } from './tenant-scope.js';

/** A statement with its parameters already in wire form. */
interface Ahead {
  readonly text: string;
  readonly values: unknown[];
}

/** The statements held on each pipelined transaction's Kysely, until its next statement. */
const held = new WeakMap<Db, Ahead[]>();

/** A statement whose result nobody reads: a Kysely query builder, or a template's compiled query. */
export type Deferrable = { compile(): CompiledQuery } | CompiledQuery;

const compiledOf = (statement: Deferrable): CompiledQuery =>
  'compile' in statement ? statement.compile() : statement;

/**
 * Runs `statement` now, or, on a pipelined transaction, holds it to go out ahead of the
 * transaction's next statement, in the same round trip. Only for statements whose result and
 * whose failure nobody needs at this point: an error surfaces from the next statement (or the
 * COMMIT) and fails the transaction, so nothing is lost, but it is not this call's.
 */
export async function defer(db: Db, statement: Deferrable): Promise<void> {
  const compiled = compiledOf(statement);
  const pending = held.get(db);
  if (!pending) {
    await db.executeQuery(compiled);
    return;
  }
  pending.push(inWireForm(compiled.sql, compiled.parameters));
}

/** A client checked out for one transaction, with the Kysely its statements go through. */
export interface PipelinedSession {
  readonly db: Db;
  /**
   * Holds a parameterless statement of the session's own (BEGIN, SAVEPOINT, RELEASE) to go out
   * ahead of the next one.
   */
  hold(text: string): void;
  /** Holds the tenant scope statement (tenant-scope.ts) to go out ahead of the next one. */
  holdScope(ids: ScopeIds): void;
  /**
   * Holds the tenant scope ahead of every batch the session sends until it is released: the
   * scope of a session without BEGIN, whose batches are each an implicit transaction of their own.
   */
  scopeEachBatch(ids: ScopeIds): void;
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
    return submitPrepared(client, compiled.sql, values, ahead);
  });
  held.set(db, pending);
  return {
    db,
    hold: (text) => {
      pending.push(inWireForm(text, []));
    },
    holdScope: (ids) => {
      pending.push(inWireForm(TENANT_SCOPE_SQL, ids));
    },
    scopeEachBatch: (ids) => {
      aheadOfEach.push(inWireForm(TENANT_SCOPE_SQL, ids));
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
