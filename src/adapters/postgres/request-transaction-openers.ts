// The two openers of a request transaction: a pipelined session (PostgreSQL) or a Kysely one.
import { sql } from 'kysely';
import type { Db } from './database.js';
import {
  asError,
  joinedTransaction,
  type JoinedTransactionOpener,
  type TransactionSteps,
} from './request-transaction.js';
import type { PipelineConnector } from './wire/pipeline.js';
import { scopeIds, setScope } from './wire/tenant-scope.js';

/**
 * On a pipelined session (PostgreSQL): BEGIN and the scope go out ahead of the first statement,
 * each SAVEPOINT and RELEASE ahead of the statement after it, and the completion ahead of COMMIT,
 * so joining costs no round trip of its own.
 */
export function pipelinedJoinedTransaction(open: PipelineConnector): JoinedTransactionOpener {
  return async (scope, onEnd) => {
    const session = await open();
    session.hold('begin');
    session.holdScope(scopeIds(scope));
    let brokenConnection: Error | undefined;
    const rollback = async () => {
      session.discardHeld();
      try {
        await sql.raw('rollback').execute(session.db);
      } catch (error) {
        brokenConnection = asError(error);
        throw error;
      }
    };
    return joinedTransaction(
      {
        db: session.db,
        savepoint(name, ids) {
          const mark = session.heldCount;
          const sent = session.batchesSent;
          session.hold(`savepoint ${name}`);
          if (ids) session.holdScope(ids);
          return Promise.resolve(async () => {
            // Nothing went out since: the savepoint and what followed it are only held.
            if (session.batchesSent === sent) session.discardHeldFrom(mark);
            else {
              session.discardHeld();
              await sql.raw(`rollback to savepoint ${name}`).execute(session.db);
            }
          });
        },
        release(name) {
          session.hold(`release savepoint ${name}`);
          return Promise.resolve();
        },
        async commit() {
          await sql.raw('commit').execute(session.db);
          session.release();
        },
        async rollback() {
          try {
            await rollback();
          } finally {
            session.release(brokenConnection);
          }
        },
      },
      scope,
      onEnd,
    );
  };
}

/** On a Kysely transaction (PGlite, or PostgreSQL without pipelining): one statement per step. */
export function kyselyJoinedTransaction(db: Db): JoinedTransactionOpener {
  return async (scope, onEnd) => {
    const trx = await db.startTransaction().execute();
    const ids = scopeIds(scope);
    if (ids.join() !== ',') {
      await setScope(trx, ids).catch(async (error: unknown) => {
        await trx.rollback().execute();
        throw error;
      });
    }
    return joinedTransaction(
      {
        ...savepointSteps(trx),
        commit: () => trx.commit().execute(),
        rollback: () => trx.rollback().execute(),
      },
      scope,
      onEnd,
    );
  };
}

/** Savepoints on a Kysely transaction, one statement per step. */
export function savepointSteps(trx: Db): Pick<TransactionSteps, 'db' | 'savepoint' | 'release'> {
  return {
    db: trx,
    async savepoint(name, scopeIdsToSet) {
      await sql.raw(`savepoint ${name}`).execute(trx);
      if (scopeIdsToSet) await setScope(trx, scopeIdsToSet);
      return async () => {
        await sql.raw(`rollback to savepoint ${name}`).execute(trx);
      };
    },
    async release(name) {
      await sql.raw(`release savepoint ${name}`).execute(trx);
    },
  };
}
