// What a change to a task does: the fields it writes, completed_at following the status category,
// where the task goes in its column, and every broken rule of a move reported at once.
import { describe, expect, it } from 'vitest';
import type { WorkflowStatus } from '../../../../src/domain/projects/workflow.js';
import { ValidationError } from '../../../../src/domain/shared/errors.js';
import {
  needsWorkflow,
  placementOf,
  planTaskCreation,
  planTaskEdit,
  planTaskMove,
  withoutNoOps,
} from '../../../../src/domain/tasks/task-change.js';
import type { Task } from '../../../../src/domain/tasks/task.js';

const EARLIER = new Date('2026-02-01T08:00:00.000Z');
const NOW = new Date('2026-03-01T12:00:00.000Z');

const WORKFLOW: WorkflowStatus[] = [
  { id: 'todo', name: 'To Do', category: 'todo', position: 0 },
  { id: 'doing', name: 'Doing', category: 'in_progress', position: 1 },
  { id: 'done', name: 'Done', category: 'done', position: 2 },
  { id: 'shipped', name: 'Shipped', category: 'done', position: 3 },
];

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

const completed = aTask({ statusId: 'done', statusCategory: 'done', completedAt: EARLIER });

function issuesOf(plan: () => unknown) {
  try {
    plan();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details;
  }
  throw new Error('expected a ValidationError');
}

describe('planTaskEdit', () => {
  it('writes the fields as given and keeps the task in its place without a status change', () => {
    const task = aTask();
    const edit = { title: 'Renamed', priority: 'high' as const, statusId: 'todo' };
    expect(needsWorkflow(task, edit)).toBe(false);
    expect(planTaskEdit(task, edit, NOW)).toEqual({
      fields: { title: 'Renamed', priority: 'high' },
      placement: { kind: 'keep' },
    });
  });

  it.each([
    ['entering done: completed now', aTask(), 'done', NOW],
    ['moving between done statuses: kept', completed, 'shipped', EARLIER],
    ['leaving done: cleared', completed, 'doing', null],
    ['staying out of done: none', aTask(), 'doing', null],
  ])(
    'sets completed_at on a status change, %s, and sends the task to the bottom',
    (_, task, statusId, completedAt) => {
      expect(needsWorkflow(task, { statusId })).toBe(true);
      expect(planTaskEdit(task, { statusId }, NOW, WORKFLOW)).toEqual({
        fields: { statusId, completedAt },
        placement: { kind: 'bottom' },
      });
    },
  );

  it('refuses a status of another workflow, by id or by name', () => {
    const foreign = '0190a0b0-0000-7000-8000-000000000001';
    expect(issuesOf(() => planTaskEdit(aTask(), { statusId: foreign }, NOW, WORKFLOW))).toEqual([
      { field: 'status_id', message: 'Not a status of the task’s project' },
    ]);
    expect(issuesOf(() => planTaskEdit(aTask(), { statusId: 'elsewhere' }, NOW, WORKFLOW))).toEqual(
      [{ field: 'status_id', message: 'No status named “elsewhere” in the task’s project' }],
    );
  });

  it('takes a status by name, in any case; its own status by name changes nothing', () => {
    expect(planTaskEdit(aTask(), { statusId: ' SHIPPED ' }, NOW, WORKFLOW)).toEqual({
      fields: { statusId: 'shipped', completedAt: NOW },
      placement: { kind: 'bottom' },
    });
    expect(planTaskEdit(aTask(), { statusId: 'to do', priority: 'high' }, NOW, WORKFLOW)).toEqual({
      fields: { priority: 'high' },
      placement: { kind: 'keep' },
    });
  });
});

describe('planTaskMove', () => {
  it('moves into a column at the placement asked for, completed_at following', () => {
    expect(
      planTaskMove(
        aTask(),
        WORKFLOW,
        { statusId: 'done', placement: placementOf({ afterId: 'task-2' }) },
        NOW,
      ),
    ).toEqual({
      fields: { statusId: 'done', completedAt: NOW },
      placement: { kind: 'after', taskId: 'task-2' },
    });
    expect(
      planTaskMove(completed, WORKFLOW, { statusId: 'done', placement: placementOf({}) }, NOW),
    ).toEqual({
      fields: { statusId: 'done', completedAt: EARLIER },
      placement: { kind: 'bottom' },
    });
  });

  it('reports every broken rule at once', () => {
    const move = { statusId: 'elsewhere', placement: placementOf({ beforeId: 'task-1' }) };
    expect(issuesOf(() => planTaskMove(aTask(), WORKFLOW, move, NOW))).toEqual([
      { field: 'status_id', message: 'No status named “elsewhere” in the task’s project' },
      { field: 'before_id', message: 'Must be another task of the target column' },
    ]);
  });

  it('takes the column by name, in any case', () => {
    expect(
      planTaskMove(aTask(), WORKFLOW, { statusId: 'dOiNg', placement: placementOf({}) }, NOW),
    ).toEqual({ fields: { statusId: 'doing', completedAt: null }, placement: { kind: 'bottom' } });
  });

  it('takes before_id or after_id, not both', () => {
    expect(issuesOf(() => placementOf({ beforeId: 'a', afterId: 'b' }))).toEqual([
      { field: 'before_id', message: 'Give before_id or after_id, not both' },
    ]);
    expect(placementOf({ beforeId: 'a' })).toEqual({ kind: 'before', taskId: 'a' });
  });
});

describe('planTaskCreation', () => {
  it('starts in the status asked for, or the first; completed when that is done', () => {
    expect(planTaskCreation(WORKFLOW, undefined, NOW)).toEqual({
      status: WORKFLOW[0],
      completedAt: null,
    });
    expect(planTaskCreation(WORKFLOW, 'shipped', NOW)).toEqual({
      status: WORKFLOW[3],
      completedAt: NOW,
    });
    expect(planTaskCreation(WORKFLOW, 'TO DO', NOW).status).toBe(WORKFLOW[0]);
    expect(planTaskCreation(WORKFLOW, 'DOING', NOW).status).toBe(WORKFLOW[1]);
    expect(issuesOf(() => planTaskCreation(WORKFLOW, 'elsewhere', NOW))).toEqual([
      { field: 'status_id', message: 'No status named “elsewhere” in the task’s project' },
    ]);
  });
});

describe('withoutNoOps', () => {
  it('leaves out what is already as asked (labels as sets, times by instant)', () => {
    const task = aTask({ priority: 'high', labels: ['a', 'b'], dueAt: new Date(NOW) });
    expect(withoutNoOps(task, { priority: 'high', labels: ['b', 'a'], dueAt: new Date(NOW) })).toBe(
      undefined,
    );
    expect(withoutNoOps(task, { priority: 'low', labels: ['a'], assigneeId: null })).toEqual({
      priority: 'low',
      labels: ['a'],
    });
  });
});
