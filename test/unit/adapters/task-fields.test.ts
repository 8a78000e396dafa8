// presentTask (src/adapters/shared/task-fields.ts) is written out as an object literal for speed;
// its type is derived from TASK_FIELDS, and this checks the rest against the table: the keys in
// the table's order, each the value of the Task property the table names, times as ISO strings.
import { describe, expect, it } from 'vitest';
import { presentTask, TASK_FIELDS } from '../../../src/adapters/shared/task-fields.js';
import type { Task } from '../../../src/domain/tasks/task.js';
import { at } from '../../support/builders/domain.js';

/** A task whose every field holds a value of its own (no two alike), times included. */
const everyFieldSet: Task = {
  id: '0190f0a0-0000-7000-8000-000000000001',
  organizationId: '0190f0a0-0000-7000-8000-000000000002',
  projectId: '0190f0a0-0000-7000-8000-000000000003',
  key: 'RE-12',
  number: 12,
  title: 'A title',
  description: 'A description',
  typeId: '0190f0a0-0000-7000-8000-000000000004',
  type: 'bug',
  statusId: '0190f0a0-0000-7000-8000-000000000005',
  statusCategory: 'done',
  priority: 'high',
  assigneeId: '0190f0a0-0000-7000-8000-000000000006',
  reporterId: '0190f0a0-0000-7000-8000-000000000007',
  parentId: '0190f0a0-0000-7000-8000-000000000008',
  labels: ['0190f0a0-0000-7000-8000-000000000009'],
  dueAt: at(1_000),
  estimateHours: 3.5,
  actualHours: 1.25,
  position: 65_536,
  version: 4,
  createdAt: at(2_000),
  updatedAt: at(3_000),
  completedAt: at(4_000),
  deletedAt: at(5_000),
  trackingCode: 'RE-7K2M9QX4PA',
};

describe('presentTask', () => {
  it('writes the fields of TASK_FIELDS, in its order, each from the property it names', () => {
    const presented: Record<string, unknown> = presentTask(everyFieldSet);
    expect(Object.keys(presented)).toEqual(TASK_FIELDS.map((field) => field.name));
    for (const field of TASK_FIELDS) {
      const value = everyFieldSet[field.from];
      const expected = 'format' in field ? (value as Date).toISOString() : value;
      expect(presented[field.name], field.name).toEqual(expected);
    }
  });

  it('writes an absent time as null', () => {
    const open = { ...everyFieldSet, dueAt: null, completedAt: null, deletedAt: null };
    expect(presentTask(open)).toMatchObject({ due_at: null, completed_at: null, deleted_at: null });
  });
});
