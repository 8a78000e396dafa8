// The tenant scope row-level security reads (the policies read app.organization_id and
// app.user_id, '' for none): the one statement that sets it, set_config(…, true) so that it lasts
// until the transaction ends and a pooled connection never carries one request's scope to
// another. Every path sends this statement: a Kysely transaction (`inScopedTransaction`,
// `setScope`), a pipelined session ahead of its next statement (pipeline.ts) and a scoped read
// ahead of each statement (scoped-read.ts, read-only first).
import { CompiledQuery } from 'kysely';
import type { TenantScope } from '../../../application/shared/unit-of-work.js';
import { isUuid } from '../../../domain/shared/id.js';
import type { Db } from '../database.js';

/** The scope's values: organization id, user id ('' for none). */
export type ScopeIds = readonly [organizationId: string, userId: string];

/** The scope's ids ('' for none), checked to be UUIDs. */
export function scopeIds(scope: TenantScope | undefined): ScopeIds {
  const ids: [string, string] = [scope?.organizationId ?? '', scope?.userId ?? ''];
  for (const id of ids) {
    if (id !== '' && !isUuid(id)) throw new Error('A tenant scope holds UUIDs only');
  }
  return ids;
}

export const hasScope = (scope: TenantScope | undefined): scope is TenantScope =>
  scope?.organizationId !== undefined || scope?.userId !== undefined;

/**
 * The scope statement, its values $1 and $2 (ScopeIds): one prepared statement for every scope.
 * `readOnly` makes the transaction read-only first (a write sent through a scoped read fails).
 */
function scopeSql(options: { readonly readOnly: boolean }): string {
  const settings = [
    ...(options.readOnly ? ["set_config('transaction_read_only', 'on', true)"] : []),
    "set_config('app.organization_id', $1, true)",
    "set_config('app.user_id', $2, true)",
  ];
  return `select ${settings.join(', ')}`;
}

export const TENANT_SCOPE_SQL = scopeSql({ readOnly: false });
export const READ_SCOPE_SQL = scopeSql({ readOnly: true });

/** Sets the scope in the transaction `trx` is in. */
export async function setScope(trx: Db, ids: ScopeIds): Promise<void> {
  await trx.executeQuery(CompiledQuery.raw(TENANT_SCOPE_SQL, [...ids]));
}

/**
 * Runs `work` in a transaction of `db` with `scope` set (nothing set without one), read-only when
 * asked: the unit of work's transactions where nothing is pipelined (PGlite), and the idempotency
 * store's there.
 */
export function inScopedTransaction<T>(
  db: Db,
  scope: TenantScope | undefined,
  work: (trx: Db) => Promise<T>,
  options: { readonly readOnly?: boolean } = {},
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    // First statement of the transaction, as SET TRANSACTION requires.
    if (options.readOnly) await trx.executeQuery(CompiledQuery.raw('set transaction read only'));
    if (hasScope(scope)) await setScope(trx, scopeIds(scope));
    return work(trx);
  });
}
