// Reading the audit log of an organization: filtered, newest first, one page at a time.
import { authorize } from '../../domain/access/authorize.js';
import { ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { AuditEntry, AuditFilters } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';
import { pageOf } from '../shared/page.js';

export interface AuditLogQuery extends AuditFilters {
  readonly limit: number;
  /** The id of the last entry of the previous page. */
  readonly after?: string | undefined;
}

export interface AuditLogPage {
  readonly items: AuditEntry[];
  /** The id of the last entry when more follow, else null. */
  readonly nextCursor: string | null;
}

export async function listAuditLog(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  query: AuditLogQuery,
): Promise<AuditLogPage> {
  authorize(access.grant, 'audit:read');
  if (query.since !== undefined && query.until !== undefined && query.since > query.until) {
    throw ValidationError.field('since', 'since must not be later than until');
  }
  const filters: AuditFilters = {
    actorId: query.actorId,
    action: query.action,
    targetType: query.targetType,
    since: query.since,
    until: query.until,
  };
  // One row more than asked tells whether another page follows.
  const rows = await inOrganization(deps, access, (tx) =>
    tx.audit.list(access.organization.id, filters, {
      limit: query.limit + 1,
      after: query.after,
    }),
  );
  const { items, next } = pageOf(rows, query.limit, (last) => last.id);
  return { items, nextCursor: next };
}
