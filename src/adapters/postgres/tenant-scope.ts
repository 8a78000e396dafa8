// The tenant scope row-level security reads, as a transaction sets it.
import type { TenantScope } from '../../application/shared/unit-of-work.js';
import { isUuid } from '../../domain/shared/id.js';

/** The scope's ids ('' for none), checked to be UUIDs: PGlite's transactions write them into the SQL. */
export function scopeIds(scope: TenantScope | undefined): [organizationId: string, userId: string] {
  const ids: [string, string] = [scope?.organizationId ?? '', scope?.userId ?? ''];
  for (const id of ids) {
    if (id !== '' && !isUuid(id)) throw new Error('A tenant scope holds UUIDs only');
  }
  return ids;
}

/** The scope as set_config calls, the ids written in (one statement per query on PGlite). */
export function scopeStatement(scope: TenantScope | undefined): string {
  return scopeStatementOf(scopeIds(scope));
}

/** The same from ids already checked by `scopeIds`. */
export function scopeStatementOf([organizationId, userId]: readonly [string, string]): string {
  return `select set_config('app.organization_id', '${organizationId}', true), set_config('app.user_id', '${userId}', true)`;
}

export const hasScope = (scope: TenantScope | undefined): scope is TenantScope =>
  scope?.organizationId !== undefined || scope?.userId !== undefined;
