// Who is told of an event, case by case: the assignee (assigned, unassigned), watchers of a
// change, comment or move, mentioned members, the requester (the reporter) on a status change or
// a comment, the invitee; each once with the most specific reason; never the actor.
import { describe, expect, it } from 'vitest';
import type { DomainEvent, EventType } from '../../../../src/domain/events/event.js';
import {
  mayTellAnyone,
  recipientsOf,
  summaryOf,
  type EventAudience,
  type Recipient,
} from '../../../../src/domain/notifications/recipients.js';

const ACTOR = 'actor';

function event(
  type: EventType,
  change: Record<string, unknown> = {},
  reporterId = 'reporter',
  assigneeId: string | null = null,
) {
  return {
    type,
    actor: { type: 'user', id: ACTOR },
    reporterId,
    assigneeId,
    change,
  } satisfies Pick<DomainEvent, 'type' | 'actor' | 'reporterId' | 'assigneeId' | 'change'>;
}

const assign = (from: string | null, to: string | null) => ({ assignee_id: { from, to } });
const status = { status_id: { from: 's1', to: 's2' } };

const cases: {
  readonly name: string;
  readonly event: ReturnType<typeof event>;
  readonly audience?: EventAudience;
  readonly told: Recipient[];
}[] = [
  {
    name: 'a new task’s assignee',
    // A creation's change is the new task's summary (assignee_id: 'ann'), not a diff.
    event: event('task.created', { assignee_id: 'ann' }, 'reporter', 'ann'),
    told: [{ userId: 'ann', kind: 'assigned' }],
  },
  {
    name: 'a new task’s reporter and watchers hear nothing else of its creation',
    event: event('task.created', { ...status, title: { from: null, to: 'T' } }),
    audience: { watcherIds: ['wes'] },
    told: [],
  },
  {
    name: 'the new and the former assignee of a reassignment',
    event: event('task.updated', assign('bob', 'ann')),
    told: [
      { userId: 'ann', kind: 'assigned' },
      { userId: 'bob', kind: 'unassigned' },
    ],
  },
  {
    name: 'the actor who assigns themselves',
    event: event('task.updated', assign(null, ACTOR)),
    told: [],
  },
  {
    name: 'watchers of a change, the assignee among them told as the assignee',
    event: event('task.updated', assign(null, 'wes')),
    audience: { watcherIds: ['wes', 'wil', ACTOR] },
    told: [
      { userId: 'wes', kind: 'assigned' },
      { userId: 'wil', kind: 'watched_task' },
    ],
  },
  {
    name: 'the requester and watchers of a move',
    event: event('task.moved', status),
    audience: { watcherIds: ['wes'] },
    told: [
      { userId: 'reporter', kind: 'request_updated' },
      { userId: 'wes', kind: 'watched_task' },
    ],
  },
  {
    name: 'the requester of an edit that changes the status',
    event: event('task.updated', status),
    told: [{ userId: 'reporter', kind: 'request_updated' }],
  },
  {
    name: 'not the requester of an edit that leaves the status',
    event: event('task.updated', { title: { from: 'a', to: 'b' } }),
    told: [],
  },
  {
    name: 'mentioned members, the requester and watchers of a comment, each once',
    event: event('comment.created', { task_id: 't1' }),
    audience: { mentionedIds: ['mia', 'wes'], watcherIds: ['wes', 'reporter', 'wil'] },
    told: [
      { userId: 'mia', kind: 'mentioned' },
      { userId: 'wes', kind: 'mentioned' },
      { userId: 'reporter', kind: 'request_updated' },
      { userId: 'wil', kind: 'watched_task' },
    ],
  },
  {
    name: 'not the requester who comments on their own request',
    event: event('comment.created', { task_id: 't1' }, ACTOR),
    audience: { mentionedIds: [ACTOR] },
    told: [],
  },
  {
    name: 'watchers of a deletion and a restore',
    event: event('task.deleted'),
    audience: { watcherIds: ['wes'] },
    told: [{ userId: 'wes', kind: 'watched_task' }],
  },
  {
    name: 'the invitee who has an account',
    event: event('invitation.created', { email: 'ivy@example.com' }),
    audience: { inviteeId: 'ivy' },
    told: [{ userId: 'ivy', kind: 'invited' }],
  },
  {
    name: 'nobody for an invitee without an account',
    event: event('invitation.created', { email: 'new@example.com' }),
    audience: { inviteeId: null },
    told: [],
  },
  {
    name: 'nobody for what is not about a task or an invitation',
    event: event('label.created', assign(null, 'ann')),
    audience: { watcherIds: ['wes'] },
    told: [],
  },
];

describe('recipientsOf', () => {
  it.each(cases)('tells $name', ({ event: e, audience, told }) => {
    expect(recipientsOf(e, audience ?? {})).toEqual(told);
  });
});

describe('mayTellAnyone', () => {
  it('passes over what can tell no one without looking anything up', () => {
    expect(mayTellAnyone(event('task.created'))).toBe(false);
    expect(mayTellAnyone(event('task.created', {}, 'reporter', ACTOR))).toBe(false);
    expect(mayTellAnyone(event('label.created'))).toBe(false);
    expect(mayTellAnyone(event('task.created', {}, 'reporter', 'ann'))).toBe(true);
    expect(mayTellAnyone(event('task.updated'))).toBe(true);
    expect(mayTellAnyone(event('comment.created'))).toBe(true);
    expect(mayTellAnyone(event('invitation.created'))).toBe(true);
  });

  it('holds for every case above that tells someone', () => {
    for (const { event: e, audience } of cases) {
      if (recipientsOf(e, audience ?? {}).length > 0) expect(mayTellAnyone(e)).toBe(true);
    }
  });
});

describe('summaryOf', () => {
  it('names the task and, when several changes were folded in, how many', () => {
    expect(summaryOf('assigned', 'RE-4', 1)).toBe('You were assigned RE-4');
    expect(summaryOf('watched_task', 'RE-4', 3)).toBe('RE-4 you watch changed (3 changes)');
    expect(summaryOf('invited', null, 1)).toBe('You were invited to an organization');
  });
});
