// The advisory locks the application takes (a kanban column's, a project's task tree): each keyed
// by hashtextextended(text, ADVISORY_LOCK_SALT), held until the transaction ends.
import { sql, type RawBuilder } from 'kysely';

/**
 * The seed of every advisory lock key. Defined here only: SQL takes it from this constant (the
 * column-bottom function of migration 0010 as an argument), so a key is the same wherever taken.
 */
export const ADVISORY_LOCK_SALT = 7;

/** The salt as SQL text (a literal, so that statements keep one text and their prepared plans). */
export const lockSalt = (): RawBuilder<number> => sql.lit(ADVISORY_LOCK_SALT);

/** Takes the transaction-scoped advisory lock of `key` (text). */
export const advisoryXactLock = (key: RawBuilder<unknown> | string) =>
  sql<string>`pg_advisory_xact_lock(hashtextextended(${key}, ${lockSalt()}))`;
