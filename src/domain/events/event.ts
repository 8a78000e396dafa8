// What happened in an organization, as the events feed (and, later, realtime and webhooks) shows
// it: one event per committed write, typed, with what a reader needs to decide whether it may see
// it. Pure: the names, the mapping from a write's audit action, and who may read what.
import { can, type Grant, type OwnedResource } from '../access/authorize.js';

export const EVENT_TYPES = [
  'task.created',
  'task.updated',
  'task.moved',
  'task.deleted',
  'task.restored',
  'comment.created',
  'comment.updated',
  'comment.deleted',
  'relation.added',
  'relation.removed',
  'watcher.added',
  'watcher.removed',
  'attachment.added',
  'attachment.removed',
  'label.created',
  'label.updated',
  'label.deleted',
  'project.created',
  'project.updated',
  'project.deleted',
  'project.restored',
  'workflow.changed',
  'task_type.created',
  'task_type.updated',
  'task_type.deleted',
  'member.added',
  'member.removed',
  'member.role_changed',
  'invitation.created',
  'invitation.revoked',
  'role.created',
  'role.updated',
  'role.deleted',
  'team.created',
  'team.updated',
  'team.deleted',
  'team.member_added',
  'team.member_removed',
  'api_key.created',
  'api_key.revoked',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.secret_rotated',
  'webhook.pinged',
  'webhook.redelivered',
  'organization.created',
  'organization.updated',
  'organization.deleted',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The audit actions of the writes (application/access/audit.ts records one per write). */
export type AuditAction =
  | `task.${'created' | 'updated' | 'moved' | 'deleted' | 'restored'}`
  | `task.${'relation_added' | 'relation_removed' | 'watcher_added' | 'watcher_removed'}`
  | `comment.${'created' | 'updated' | 'deleted'}`
  | `attachment.${'added' | 'removed'}`
  | `label.${'created' | 'updated' | 'deleted'}`
  | `project.${'created' | 'updated' | 'deleted' | 'restored' | 'statuses_replaced'}`
  | 'project.assignment_rules_replaced'
  | `task_type.${'created' | 'updated' | 'deleted'}`
  | `member.${'added' | 'removed' | 'role_changed'}`
  | `invitation.${'created' | 'revoked'}`
  | `role.${'created' | 'updated' | 'deleted'}`
  | `team.${'created' | 'updated' | 'deleted' | 'member_added' | 'member_removed'}`
  | `apikey.${'created' | 'revoked'}`
  | `webhook.${'created' | 'updated' | 'deleted' | 'secret_rotated' | 'pinged' | 'redelivered'}`
  | `organization.${'created' | 'updated' | 'deleted'}`;

/** The audit actions whose event type is spelled otherwise (the rest are spelled the same). */
const RENAMED: Partial<Record<AuditAction, EventType>> = {
  'task.relation_added': 'relation.added',
  'task.relation_removed': 'relation.removed',
  'task.watcher_added': 'watcher.added',
  'task.watcher_removed': 'watcher.removed',
  'project.statuses_replaced': 'workflow.changed',
  'project.assignment_rules_replaced': 'project.updated',
  'apikey.created': 'api_key.created',
  'apikey.revoked': 'api_key.revoked',
};

export function eventTypeOf(action: AuditAction): EventType {
  return RENAMED[action] ?? (action as EventType);
}

export interface DomainEvent {
  readonly id: string;
  readonly type: EventType;
  readonly organizationId: string;
  readonly subject: {
    readonly type: string;
    readonly id: string | null;
    /** A task's key, a project's key: what a person recognises. */
    readonly key: string | null;
  };
  readonly actor: { readonly type: 'user' | 'apikey'; readonly id: string };
  /** `{ field: { from, to } }` for changes; the details of a creation or removal. */
  readonly change: Readonly<Record<string, unknown>>;
  readonly occurredAt: Date;
  /** What readers filter by: the project it happened in, and the task's people. */
  readonly projectId: string | null;
  readonly assigneeId: string | null;
  readonly reporterId: string | null;
  /** The request that made the change (one bulk request: the same id on each task's event). */
  readonly requestId: string | null;
}

/** The permission that lets a caller read events of a family (the part before the dot). */
const READ_PERMISSION: Record<string, string> = {
  task: 'task:read',
  comment: 'task:read',
  relation: 'task:read',
  watcher: 'task:read',
  attachment: 'task:read',
  label: 'organization:read',
  project: 'project:read',
  workflow: 'project:read',
  task_type: 'project:read',
  member: 'member:read',
  invitation: 'invitation:manage',
  role: 'role:read',
  team: 'team:read',
  api_key: 'apikey:manage',
  webhook: 'webhook:manage',
  organization: 'organization:read',
};

export const familyOf = (type: EventType): string => type.slice(0, type.indexOf('.'));

/** The families whose events are about one task (read as the task is: `task:read`, own or any). */
export const TASK_FAMILIES: readonly string[] = [
  'task',
  'comment',
  'relation',
  'watcher',
  'attachment',
];

/** A task event's owner, as a task's: its reporter, its assignee, its requester (the reporter). */
export const ownershipOfEvent = (event: Pick<DomainEvent, 'reporterId' | 'assigneeId'>) =>
  ({
    createdBy: event.reporterId,
    assigneeId: event.assigneeId,
    requestedBy: event.reporterId,
  }) satisfies OwnedResource;

/** Whether `grant` may read `event`: as it may read the thing the event is about. */
export function mayRead(
  grant: Grant,
  event: Pick<DomainEvent, 'type' | 'reporterId' | 'assigneeId'>,
): boolean {
  const family = familyOf(event.type);
  const permission = READ_PERMISSION[family];
  if (permission === undefined) return false;
  return TASK_FAMILIES.includes(family)
    ? can(grant, permission, ownershipOfEvent(event))
    : can(grant, permission);
}

/**
 * What mayRead reads of a grant, as one string: grants with the same signature get the same
 * answer for every event, so an event going to a thousand sockets of one role is decided once.
 */
export function readSignature(grant: Grant): string {
  return `${grant.role}\u0000${grant.actorId}\u0000${[...grant.permissions].sort().join(' ')}`;
}

/**
 * The same decision as a filter a store can apply to a whole page (mayRead holds it to that, in
 * test/unit/domain/events/event.test.ts): the event types the grant reads in full, and for task
 * events, whether all, or only those of tasks it owns (`reporterId` for a requester, reporter or
 * assignee for anyone else), or none.
 */
export interface EventVisibility {
  readonly types: readonly EventType[];
  readonly tasks: 'all' | 'none' | { readonly reporterId: string } | { readonly ownedBy: string };
}

export function eventVisibility(grant: Grant): EventVisibility {
  const types = EVENT_TYPES.filter((type) => {
    const family = familyOf(type);
    return !TASK_FAMILIES.includes(family) && can(grant, READ_PERMISSION[family] ?? '');
  });
  const held = grant.permissions as ReadonlySet<string>;
  const tasks: EventVisibility['tasks'] =
    held.has('task:read') || held.has('task:read:any')
      ? 'all'
      : !held.has('task:read:own')
        ? 'none'
        : grant.role === 'requester'
          ? { reporterId: grant.actorId }
          : { ownedBy: grant.actorId };
  return { types, tasks };
}

/** Whether an event passes a visibility filter (what a store's SQL must agree with). */
export function passes(
  visibility: EventVisibility,
  event: Pick<DomainEvent, 'type' | 'reporterId' | 'assigneeId'>,
): boolean {
  if (!TASK_FAMILIES.includes(familyOf(event.type))) return visibility.types.includes(event.type);
  const { tasks } = visibility;
  if (tasks === 'all' || tasks === 'none') return tasks === 'all';
  if ('reporterId' in tasks) return event.reporterId === tasks.reporterId;
  return event.reporterId === tasks.ownedBy || event.assigneeId === tasks.ownedBy;
}
