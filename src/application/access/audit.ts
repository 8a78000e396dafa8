// Recording writes in the audit log, inside the transaction that makes them, and the event each
// write raises (the events feed; realtime and webhooks read the same table).
import { eventTypeOf, type AuditAction } from '../../domain/events/event.js';
import { actorIdOf, type Principal } from '../../domain/identity/principal.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';

export interface AuditRecord {
  readonly action: AuditAction;
  readonly targetType: string;
  readonly targetId: string | null;
  /** `{ field: { from, to } }` for changes; any details worth keeping for creations. */
  readonly changes?: Readonly<Record<string, unknown>>;
  /**
   * What the event's readers filter by: the project it happened in, and for what is about a task,
   * the task's key and people (who may read a task may read its events).
   */
  readonly about?: EventContext;
}

export interface EventContext {
  readonly key?: string | null;
  readonly projectId?: string | null;
  readonly assigneeId?: string | null;
  readonly reporterId?: string | null;
}

/** The event context of a write about a task (the task itself, or its comments, watchers…). */
export const aboutTask = (task: {
  readonly key: string;
  readonly projectId: string;
  readonly assigneeId: string | null;
  readonly reporterId: string;
}): EventContext => ({
  key: task.key,
  projectId: task.projectId,
  assigneeId: task.assigneeId,
  reporterId: task.reporterId,
});

export async function recordAudit(
  deps: Pick<Deps, 'ids' | 'clock'>,
  tx: Pick<Repositories, 'audit' | 'events'>,
  principal: Principal,
  organizationId: string,
  record: AuditRecord,
): Promise<void> {
  const actorId = actorIdOf(principal);
  const changes = record.changes ?? {};
  const requestId = principal.request?.requestId ?? null;
  const at = deps.clock.now();
  await tx.audit.record({
    id: deps.ids.next(),
    organizationId,
    actorType: principal.kind,
    actorId,
    action: record.action,
    targetType: record.targetType,
    targetId: record.targetId,
    changes,
    ip: principal.request?.ip ?? null,
    userAgent: principal.request?.userAgent?.slice(0, 512) ?? null,
    requestId,
    createdAt: at,
  });
  const about = record.about ?? {};
  await tx.events.append({
    id: deps.ids.next(),
    type: eventTypeOf(record.action),
    organizationId,
    subject: { type: record.targetType, id: record.targetId, key: about.key ?? null },
    actor: { type: principal.kind, id: actorId },
    change: changes,
    occurredAt: at,
    projectId: about.projectId ?? null,
    assigneeId: about.assigneeId ?? null,
    reporterId: about.reporterId ?? null,
    requestId,
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
