// One transaction for a whole Idempotency-Key request, so that the answer the store keeps commits
// with what the request changed: committed apart, a crash between the change's COMMIT and the
// answer's lost the answer, and a retry ran the request again.
//
// While `inRequestTransaction` runs a request, the unit of work's first `run` opens the
// transaction (lazily: a request refused before it writes opens none) with its tenant scope, and
// every run joins it in a SAVEPOINT of its own, released on success and rolled back to on error,
// so a use case that catches a failed run goes on as when each run was a transaction. Effects
// meant for after a commit (cache invalidations, mail) wait for the real one. The store then
// writes the answer in the transaction and commits. AsyncLocalStorage carries the request between
// the store and the unit of work, both of this adapter; nothing outside it sees the transaction.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TenantScope } from '../../application/shared/unit-of-work.js';
import type { Db } from './database.js';
import { scopeIds, type ScopeIds } from './wire/tenant-scope.js';

/** A transaction units of work join, each in a savepoint; one at a time. */
export interface JoinedTransaction {
  /** Runs `work` in a savepoint of the transaction, with `scope` set. */
  join<T>(work: (db: Db) => Promise<T>, scope: TenantScope | undefined): Promise<T>;
  /**
   * Runs `last` (on PostgreSQL its statement is held, to go out ahead of COMMIT), then commits.
   * When either fails, rolls back and throws.
   */
  commit(last: (db: Db) => Promise<void>): Promise<void>;
  /** Rolls back; a connection that cannot is closed, never thrown about. */
  rollback(): Promise<void>;
}

/**
 * Opens a joined transaction with `scope` set; `onEnd` runs once it has committed or rolled back
 * (not when opening fails).
 */
export type JoinedTransactionOpener = (
  scope: TenantScope | undefined,
  onEnd: () => void,
) => Promise<JoinedTransaction>;

type Effect = () => Promise<void> | void;

interface RequestTransaction {
  opened: Promise<JoinedTransaction> | undefined;
  /** The attempt has returned: work it left running (fire and forget) no longer joins. */
  settled: boolean;
  readonly effects: Effect[];
}

const ambient = new AsyncLocalStorage<RequestTransaction>();

/** The request transaction a unit of work joins (opened by `open` at the first), if any. */
export function requestTransactionToJoin(
  open: (scope: TenantScope | undefined) => Promise<JoinedTransaction>,
  scope: TenantScope | undefined,
): Promise<JoinedTransaction> | undefined {
  const request = ambient.getStore();
  if (request === undefined || request.settled) return undefined;
  request.opened ??= open(scope);
  return request.opened;
}

/** The request transaction if one is open: a read joins it, to see the request's own writes. */
export function openRequestTransaction(): Promise<JoinedTransaction> | undefined {
  const request = ambient.getStore();
  return request?.settled === false ? request.opened : undefined;
}

/**
 * Runs `effect` once what the request wrote is committed: at once when no request transaction is
 * open, else after its commit (never when it rolls back).
 */
export async function afterRequestCommit(effect: Effect): Promise<void> {
  const request = ambient.getStore();
  if (request?.opened === undefined || request.settled) await effect();
  else request.effects.push(effect);
}

export interface AttemptedRequest<T> {
  readonly value: T;
  /** The transaction the request's units of work joined; undefined when none ran. */
  readonly transaction: JoinedTransaction | undefined;
  /** The effects waiting for the commit: run them once it is done. */
  runEffects(): Promise<void>;
}

/**
 * Runs `attempt` with a request transaction for its units of work to join. Left open for the
 * caller to commit (with what must commit alongside) or roll back; rolled back when `attempt`
 * throws.
 */
export async function inRequestTransaction<T>(
  attempt: () => Promise<T>,
): Promise<AttemptedRequest<T>> {
  const request: RequestTransaction = { opened: undefined, settled: false, effects: [] };
  let value: T;
  try {
    value = await ambient.run(request, attempt);
    request.settled = true;
  } catch (error) {
    request.settled = true;
    await request.opened?.then((transaction) => transaction.rollback()).catch(() => undefined);
    throw error;
  }
  return {
    value,
    transaction: await request.opened,
    runEffects: () => runAll(request.effects),
  };
}

/**
 * Runs `work` so that its units of work join a transaction the caller opened and will end itself
 * (the outbox's batch transaction: a consumer's writes commit with its cursor's move), each in a
 * savepoint of `steps`. Effects meant for after the commit wait: `runEffects` once it is done.
 */
export async function lendTransaction<T>(
  steps: Pick<TransactionSteps, 'db' | 'savepoint' | 'release'>,
  work: () => Promise<T>,
): Promise<AttemptedRequest<T>> {
  const lender = (): never => {
    throw new Error('A lent transaction is ended by its lender');
  };
  const transaction = joinedTransaction(
    { ...steps, commit: lender, rollback: lender },
    undefined,
    () => undefined,
  );
  const request: RequestTransaction = {
    opened: Promise.resolve(transaction),
    settled: false,
    effects: [],
  };
  try {
    const value = await ambient.run(request, work);
    return { value, transaction, runEffects: () => runAll(request.effects) };
  } finally {
    request.settled = true;
  }
}

/** Runs every effect, in order, then throws the first failure if one failed. */
async function runAll(effects: readonly Effect[]): Promise<void> {
  let failure: Error | undefined;
  for (const effect of effects) {
    try {
      await effect();
    } catch (error) {
      failure ??= asError(error);
    }
  }
  if (failure !== undefined) throw failure;
}

/** What a joined transaction does on its engine. */
export interface TransactionSteps {
  readonly db: Db;
  /** Opens savepoint `name`, setting the scope `ids` when given; answers how to roll back to it. */
  savepoint(name: string, ids: ScopeIds | undefined): Promise<() => Promise<void>>;
  release(name: string): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** The joined run whose work is running now: a run inside it nests instead of queueing. */
const joining = new AsyncLocalStorage<JoinedTransaction>();

export function joinedTransaction(
  steps: TransactionSteps,
  scope: TenantScope | undefined,
  onEnd: () => void,
): JoinedTransaction {
  let currentScope = scopeIds(scope).join();
  let savepoints = 0;
  let tail: Promise<unknown> = Promise.resolve();
  // A rollback to a savepoint failed: the transaction can only roll back as a whole.
  let broken: Error | undefined;
  let ended = false;
  const end = () => {
    if (!ended) onEnd();
    ended = true;
  };

  async function runJoined<T>(
    work: (db: Db) => Promise<T>,
    runScope: TenantScope | undefined,
  ): Promise<T> {
    if (broken) throw broken;
    savepoints += 1;
    const name = `request_${savepoints}`;
    const ids = scopeIds(runScope);
    const scopeBefore = currentScope;
    const undo = await steps.savepoint(name, ids.join() === currentScope ? undefined : ids);
    currentScope = ids.join();
    try {
      const result = await joining.run(transaction, () => work(steps.db));
      await steps.release(name);
      return result;
    } catch (error) {
      currentScope = scopeBefore;
      await undo().catch((undoError: unknown) => {
        broken = asError(undoError);
      });
      throw error;
    }
  }

  const transaction: JoinedTransaction = {
    join(work, runScope) {
      if (joining.getStore() === transaction) return runJoined(work, runScope);
      const run = tail.then(() => runJoined(work, runScope));
      tail = run.catch(() => undefined);
      return run;
    },
    async commit(last) {
      try {
        if (broken) throw broken;
        await last(steps.db);
        await steps.commit();
      } catch (error) {
        await steps.rollback().catch(() => undefined);
        throw error;
      } finally {
        end();
      }
    },
    async rollback() {
      try {
        await steps.rollback();
      } catch {
        // The steps closed the connection; nothing was committed.
      } finally {
        end();
      }
    },
  };
  return transaction;
}

export const asError = (thrown: unknown) =>
  thrown instanceof Error ? thrown : new Error(String(thrown));
