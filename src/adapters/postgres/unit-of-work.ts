// Binds every repository to one Kysely handle: the pool for plain calls, a transaction inside run().
// run() also applies the tenant scope that row-level security reads (set_config(..., true) lasts
// until the transaction ends, so a pooled connection never carries one request's scope to another).
import { sql } from 'kysely';
import type { TenantScope, UnitOfWork } from '../../application/shared/unit-of-work.js';
import type { Db } from './database.js';
import { DatabaseUnavailableError } from './errors.js';
import { postgresRepositories } from './repositories.js';
import {
  kyselyJoinedTransaction,
  pipelinedJoinedTransaction,
} from './request-transaction-openers.js';
import {
  afterRequestCommit,
  openRequestTransaction,
  requestTransactionToJoin,
} from './request-transaction.js';
import type { PipelineConnector } from './wire/pipeline.js';
import type { ScopedReader } from './wire/scoped-read.js';
import { hasScope, inScopedTransaction, scopeIds } from './wire/tenant-scope.js';

export { postgresRepositories };

export interface UnitOfWorkOptions {
  /**
   * Runs each transaction on a client of its own (PostgreSQL only; PGlite takes one statement per
   * query): BEGIN and the tenant scope in one round trip (a two-statement simple query), and the
   * statements repositories `defer` in the trip of the statement after them.
   */
  readonly pipelined?: PipelineConnector | undefined;
  /** Sends each statement of a read with the scope ahead of it, in one trip (PostgreSQL only). */
  readonly scopedRead?: ScopedReader | undefined;
  /**
   * How many transactions may hold a connection at once; the others wait in the process, before
   * taking one. A transaction can wait on a row lock or a commit's WAL flush with its connection
   * held: writers queued on one hot project would otherwise take the whole pool and the reads
   * (which take no locks) would wait behind them. Unset: no limit (PGlite has one connection).
   */
  readonly maxConcurrentTransactions?: number | undefined;
}

/** Runs at most `limit` calls at once, the rest in the order they came. */
export function concurrencyGate(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error('limit must be a whole number ≥ 1');
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (active < limit) active += 1;
    // A finishing call hands its place straight to the next one, so `active` stays counted.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

export function postgresUnitOfWork(db: Db, options: UnitOfWorkOptions = {}): UnitOfWork {
  const inTransaction = transactionRunner(db, options.pipelined);
  const transaction: UnitOfWork['run'] = (work, scope) =>
    inTransaction((trx) => work(postgresRepositories(trx)), scope);
  const gate =
    options.maxConcurrentTransactions === undefined
      ? undefined
      : concurrencyGate(options.maxConcurrentTransactions);
  const gated: UnitOfWork['run'] = gate
    ? (work, scope) => gate(() => transaction(work, scope))
    : transaction;
  // A request transaction takes its place at the gate once, for its whole life; the runs that
  // join it take none (a second place could wait on itself).
  const openJoined = options.pipelined
    ? pipelinedJoinedTransaction(options.pipelined)
    : kyselyJoinedTransaction(db);
  const openRequest = async (scope: TenantScope | undefined) => {
    const leave = gate ? await placeAt(gate) : () => undefined;
    try {
      return await openJoined(scope, leave);
    } catch (error) {
      leave();
      throw error;
    }
  };
  const scopedRead = options.scopedRead;
  const read: UnitOfWork['read'] = scopedRead
    ? (work, scope) => scopedRead(scope, (reader) => work(postgresRepositories(reader)))
    : (work, scope) =>
        inScopedTransaction(db, scope, (trx) => work(postgresRepositories(trx)), {
          readOnly: true,
        });
  return {
    run: (work, scope) => {
      const joined = requestTransactionToJoin(openRequest, scope);
      if (joined === undefined) return gated(work, scope);
      return joined.then((request) =>
        request.join((trx) => work(postgresRepositories(trx)), scope),
      );
    },
    read: (work, scope) => {
      // After the request wrote, its reads must see its writes (and on PGlite, whose one
      // connection the transaction holds, could not run beside it).
      const joined = openRequestTransaction();
      if (joined === undefined) return read(work, scope);
      return joined.then((request) =>
        request.join((trx) => work(postgresRepositories(trx)), scope),
      );
    },
    afterCommit: afterRequestCommit,
  };
}

/** Takes a place at `gate` and keeps it until the returned function is called. */
function placeAt(gate: ReturnType<typeof concurrencyGate>): Promise<() => void> {
  return new Promise((entered) => {
    void gate(() => new Promise<void>((leave) => entered(() => leave())));
  });
}

const asError = (thrown: unknown) => (thrown instanceof Error ? thrown : new Error(String(thrown)));

/** Runs work in a transaction (with the tenant scope, when one is given) and commits it. */
export type TransactionRunner = <T>(
  work: (trx: Db) => Promise<T>,
  scope?: TenantScope,
) => Promise<T>;

/**
 * The unit of work's transactions, for whatever else writes in one (the outbox's batches):
 * pipelined when `pipelined` is given (PostgreSQL), else Kysely's, one statement per trip (PGlite).
 */
export function transactionRunner(
  db: Db,
  pipelined: PipelineConnector | undefined,
): TransactionRunner {
  return pipelined
    ? pipelinedTransaction(pipelined)
    : (work, scope) => inScopedTransaction(db, scope, work);
}

/**
 * Runs `work` in a transaction on a pipelined session: BEGIN (and the scope) go out ahead of its
 * first statement, and what it `defer`s last ahead of the COMMIT, each in the same round trip.
 */
function pipelinedTransaction(open: PipelineConnector): TransactionRunner {
  return async (work, scope) => {
    const session = await open();
    let broken: Error | undefined;
    try {
      // BEGIN and the scope are held as well: they go out ahead of the transaction's first
      // statement, in its round trip (a transaction of one statement takes two trips in all).
      session.hold('begin');
      if (hasScope(scope)) session.holdScope(scopeIds(scope));
      try {
        const result = await work(session.db);
        await sql.raw('commit').execute(session.db); // with the statements still held ahead of it
        return result;
      } catch (error) {
        // Held statements would only fail the ROLLBACK's trip. (If BEGIN itself was still held,
        // the ROLLBACK finds no transaction: PostgreSQL answers with a warning.)
        session.discardHeld();
        // A connection that died took its transaction with it (the server rolls back what a
        // closed connection left open): closing the client is all that is left to do. (A COMMIT
        // cut off this way may have committed: the 503 says "unknown, retry".)
        if (error instanceof DatabaseUnavailableError) {
          broken = error;
          throw error;
        }
        // A connection that cannot roll back is broken: released with the error, the pool closes
        // it. The cause matters more than the failed rollback.
        await sql
          .raw('rollback')
          .execute(session.db)
          .catch((rollbackError: unknown) => {
            broken = asError(rollbackError);
          });
        throw error;
      }
    } finally {
      session.release(broken);
    }
  };
}
