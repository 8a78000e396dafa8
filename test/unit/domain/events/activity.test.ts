// The one-line summaries of the project activity log.
import { describe, expect, it } from 'vitest';
import { activitySummary } from '../../../../src/domain/events/activity.js';
import type { DomainEvent } from '../../../../src/domain/events/event.js';

const event = (fields: Partial<DomainEvent>): DomainEvent => ({
  id: 'e-1',
  type: 'task.created',
  organizationId: 'o-1',
  subject: { type: 'task', id: 't-1', key: 'RE-12' },
  actor: { type: 'user', id: 'u-1' },
  change: {},
  occurredAt: new Date('2026-12-05T12:00:00Z'),
  projectId: 'p-1',
  assigneeId: null,
  reporterId: 'u-1',
  requestId: null,
  ...fields,
});

describe('activitySummary', () => {
  it('says who did what to which task, with its title', () => {
    expect(activitySummary({ event: event({}), actorName: 'Ana', taskTitle: 'Fix login' })).toBe(
      'Ana created RE-12 “Fix login”',
    );
    expect(
      activitySummary({
        event: event({ type: 'task.updated', change: { title: {}, priority: {} } }),
        actorName: 'Ana',
        taskTitle: 'Fix login now',
      }),
    ).toBe('Ana changed title, priority of RE-12 “Fix login now”');
    expect(
      activitySummary({
        event: event({
          type: 'comment.created',
          subject: { type: 'comment', id: 'c', key: 'RE-12' },
        }),
        actorName: 'Bo',
        taskTitle: 'Fix login',
      }),
    ).toBe('Bo commented on RE-12 “Fix login”');
  });

  it('names an API key, a project, and an actor that is gone', () => {
    expect(
      activitySummary({
        event: event({ type: 'project.created', subject: { type: 'project', id: 'p', key: 'RE' } }),
        actorName: 'CI bot',
        taskTitle: null,
      }),
    ).toBe('CI bot created the project RE');
    expect(
      activitySummary({
        event: event({ type: 'task.moved', actor: { type: 'apikey', id: 'k' } }),
        actorName: null,
        taskTitle: null,
      }),
    ).toBe('An API key moved RE-12');
  });
});
