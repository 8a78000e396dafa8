// What a change records: the history diff (a creation from nothing), and the typed events it
// raises, as plain data.
import { describe, expect, it } from 'vitest';
import { creationDiff, taskDiff } from '../../../../src/domain/tasks/task-diff.js';
import {
  changeRecord,
  creationRecord,
  lifecycleRecord,
} from '../../../../src/domain/tasks/task-events.js';
import type { Task } from '../../../../src/domain/tasks/task.js';

const EARLIER = new Date('2026-02-01T08:00:00.000Z');
const NOW = new Date('2026-03-01T12:00:00.000Z');
const ids = { organizationId: 'org', projectId: 'project', taskId: 'task-1' };

function aTask(fields: Partial<Task> = {}): Task {
  return {
    id: 'task-1',
    organizationId: 'org',
    projectId: 'project',
    key: 'RE-1',
    number: 1,
    title: 'Fix the login',
    description: '',
    typeId: null,
    type: null,
    statusId: 'todo',
    statusCategory: 'todo',
    priority: 'medium',
    assigneeId: null,
    reporterId: 'user',
    parentId: null,
    labels: [],
    dueAt: null,
    estimateHours: null,
    actualHours: null,
    position: 65_536,
    version: 1,
    createdAt: EARLIER,
    updatedAt: EARLIER,
    completedAt: null,
    deletedAt: null,
    trackingCode: null,
    ...fields,
  };
}

describe('the history diff', () => {
  it('names each field that differs, from and to (labels as lists, times in ISO)', () => {
    const before = aTask({ labels: ['a'] });
    const after = aTask({
      title: 'Renamed',
      labels: ['a', 'b'],
      dueAt: NOW,
      version: 2,
      updatedAt: NOW,
    });
    expect(taskDiff(before, after)).toEqual({
      title: { from: 'Fix the login', to: 'Renamed' },
      labels: { from: ['a'], to: ['a', 'b'] },
      due_at: { from: null, to: NOW.toISOString() },
    });
    expect(taskDiff(before, after, ['title'])).toEqual({
      title: { from: 'Fix the login', to: 'Renamed' },
    });
  });

  it('records a creation as {from: null, to} for the key and every field set', () => {
    const task = aTask({ assigneeId: 'user-2', labels: ['a'], estimateHours: 0 });
    expect(creationDiff(task)).toEqual({
      key: { from: null, to: 'RE-1' },
      title: { from: null, to: 'Fix the login' },
      status_id: { from: null, to: 'todo' },
      priority: { from: null, to: 'medium' },
      assignee_id: { from: null, to: 'user-2' },
      labels: { from: null, to: ['a'] },
      estimate_hours: { from: null, to: 0 },
      position: { from: null, to: 65_536 },
    });
  });
});

describe('the events of a change', () => {
  it('raises TaskCreated, and TaskCompleted for a task created done', () => {
    const task = aTask({ statusId: 'done', statusCategory: 'done', completedAt: NOW });
    const record = creationRecord(task, NOW);
    expect(record.action).toBe('created');
    expect(record.events).toEqual([
      { type: 'TaskCreated', ...ids, occurredAt: NOW.toISOString(), changes: creationDiff(task) },
      {
        type: 'TaskCompleted',
        ...ids,
        occurredAt: NOW.toISOString(),
        completedAt: NOW.toISOString(),
      },
    ]);
    expect(JSON.parse(JSON.stringify(record.events))).toEqual(record.events);
  });

  it('raises TaskUpdated for an edit, TaskMoved too when the status changes, and TaskCompleted', () => {
    const before = aTask();
    const after = aTask({ title: 'Renamed', statusId: 'done', completedAt: NOW, position: 3 });
    const record = changeRecord('updated', before, after, NOW);
    expect(record.changes).toEqual(taskDiff(before, after));
    expect(record.events.map((event) => event.type)).toEqual([
      'TaskUpdated',
      'TaskMoved',
      'TaskCompleted',
    ]);
    expect(record.events[1]).toEqual({
      type: 'TaskMoved',
      ...ids,
      occurredAt: NOW.toISOString(),
      fromStatusId: 'todo',
      toStatusId: 'done',
      position: 3,
    });
  });

  it('raises TaskMoved for a move in its own column, TaskReopened on leaving done', () => {
    const within = changeRecord('moved', aTask(), aTask({ position: 10 }), NOW);
    expect(within.events.map((event) => event.type)).toEqual(['TaskMoved']);
    const reopened = changeRecord(
      'moved',
      aTask({ statusId: 'done', completedAt: EARLIER }),
      aTask({ statusId: 'todo' }),
      NOW,
    );
    expect(reopened.events.map((event) => event.type)).toEqual(['TaskMoved', 'TaskReopened']);
    expect(changeRecord('updated', aTask(), aTask({ version: 2 }), NOW).events).toEqual([]);
  });

  it('records a delete and a restore with an empty diff', () => {
    expect(lifecycleRecord('deleted', aTask(), NOW)).toEqual({
      action: 'deleted',
      changes: {},
      events: [{ type: 'TaskDeleted', ...ids, occurredAt: NOW.toISOString() }],
    });
    expect(lifecycleRecord('restored', aTask(), NOW).events[0]?.type).toBe('TaskRestored');
  });
});
