// A project's activity log, as people read it: one line per event saying who did what to which
// thing (FlowTrack's ActivityLog). Pure: the words only; the names come with the entry.
import type { DomainEvent, EventType } from './event.js';

export interface ActivityEntry {
  readonly event: DomainEvent;
  /** The user's name or the API key's, when it still exists. */
  readonly actorName: string | null;
  /** The title of the task the event is about (its current one), when it is about a task. */
  readonly taskTitle: string | null;
}

const VERBS: Partial<Record<EventType, string>> = {
  'task.created': 'created',
  'task.moved': 'moved',
  'task.deleted': 'deleted',
  'task.restored': 'restored',
  'comment.created': 'commented on',
  'comment.updated': 'edited a comment on',
  'comment.deleted': 'deleted a comment on',
  'relation.added': 'linked',
  'relation.removed': 'unlinked',
  'watcher.added': 'added a watcher to',
  'watcher.removed': 'removed a watcher from',
  'attachment.added': 'attached a file to',
  'attachment.removed': 'removed a file from',
  'project.created': 'created the project',
  'project.updated': 'changed the project',
  'project.deleted': 'deleted the project',
  'project.restored': 'restored the project',
  'workflow.changed': 'changed the workflow of',
  'task_type.created': 'added a task type to',
  'task_type.updated': 'renamed a task type of',
  'task_type.deleted': 'deleted a task type of',
};

/** `Ana created RE-12 “Fix login”`, `Ana changed title, priority of RE-12 “Fix login now”`. */
export function activitySummary(entry: ActivityEntry): string {
  const { event } = entry;
  const who = entry.actorName ?? (event.actor.type === 'apikey' ? 'An API key' : 'Someone');
  const key = event.subject.key;
  const what = [key, entry.taskTitle === null ? null : `“${entry.taskTitle}”`]
    .filter((part) => part !== null)
    .join(' ');
  if (event.type === 'task.updated') {
    const fields = Object.keys(event.change).join(', ');
    return `${who} changed ${fields || 'nothing'} of ${what}`.trimEnd();
  }
  const verb = VERBS[event.type] ?? event.type;
  return `${who} ${verb} ${what}`.trimEnd();
}
