// Recording writes in the audit log, inside the transaction that makes them.
import { actorIdOf, type Principal } from '../../domain/identity/principal.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';

export interface AuditRecord {
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  /** `{ field: { from, to } }` for changes; any details worth keeping for creations. */
  readonly changes?: Readonly<Record<string, unknown>>;
}

export async function recordAudit(
  deps: Pick<Deps, 'ids' | 'clock'>,
  tx: Pick<Repositories, 'audit'>,
  principal: Principal,
  organizationId: string,
  record: AuditRecord,
): Promise<void> {
  await tx.audit.record({
    id: deps.ids.next(),
    organizationId,
    actorType: principal.kind,
    actorId: actorIdOf(principal),
    action: record.action,
    targetType: record.targetType,
    targetId: record.targetId,
    changes: record.changes ?? {},
    ip: principal.request?.ip ?? null,
    userAgent: principal.request?.userAgent?.slice(0, 512) ?? null,
    requestId: principal.request?.requestId ?? null,
    createdAt: deps.clock.now(),
  });
}

/** `{ field: { from, to } }` for the fields whose value differs. */
export function changesBetween<T extends object>(
  before: T,
  after: T,
  fields: readonly (keyof T & string)[],
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of fields) {
    if (before[field] !== after[field]) changes[field] = { from: before[field], to: after[field] };
  }
  return changes;
}
