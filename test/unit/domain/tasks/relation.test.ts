// Task relations as pure rules: each type in its stored (forward) sense, read back from either
// task's side, and the refusals (itself, the same pair twice, a blocking cycle).
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../../src/domain/shared/errors.js';
import {
  assertNoBlockingCycle,
  assertNotYetRelated,
  forwardRelation,
  involves,
  relationSeenFrom,
  type ForwardRelation,
  type RelationType,
  type RelationViewType,
} from '../../../../src/domain/tasks/relation.js';

const A = 'task-a';
const B = 'task-b';
const C = 'task-c';

function errorOf(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

describe('the forward sense of a relation', () => {
  it.each<[RelationType, ForwardRelation]>([
    ['blocks', { sourceTaskId: A, targetTaskId: B, type: 'blocks' }],
    ['blocked_by', { sourceTaskId: B, targetTaskId: A, type: 'blocks' }],
    ['duplicates', { sourceTaskId: A, targetTaskId: B, type: 'duplicates' }],
    ['relates_to', { sourceTaskId: A, targetTaskId: B, type: 'relates_to' }],
  ])('A %s B is stored as %o', (type, stored) => {
    expect(forwardRelation(A, type, B)).toEqual(stored);
  });

  it('makes "A blocked_by B" and "B blocks A" the same relation', () => {
    expect(forwardRelation(A, 'blocked_by', B)).toEqual(forwardRelation(B, 'blocks', A));
  });

  it.each<RelationType>(['blocks', 'blocked_by', 'duplicates', 'relates_to'])(
    'refuses to relate a task to itself (%s) with a 422 on task_id',
    (type) => {
      const error = errorOf(() => forwardRelation(A, type, A));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toEqual([
        { field: 'task_id', message: 'A task cannot be related to itself' },
      ]);
    },
  );
});

describe('a relation from either side', () => {
  it.each<[RelationType, RelationViewType, RelationViewType]>([
    ['blocks', 'blocks', 'blocked_by'],
    ['blocked_by', 'blocked_by', 'blocks'],
    ['duplicates', 'duplicates', 'duplicated_by'],
    ['relates_to', 'relates_to', 'relates_to'],
  ])('A %s B reads as %s from A and %s from B', (type, fromA, fromB) => {
    const stored = forwardRelation(A, type, B);
    expect(relationSeenFrom(stored, A)).toEqual({ type: fromA, otherTaskId: B });
    expect(relationSeenFrom(stored, B)).toEqual({ type: fromB, otherTaskId: A });
  });

  it('does not involve a third task', () => {
    const stored = forwardRelation(A, 'blocks', B);
    expect(relationSeenFrom(stored, C)).toBeUndefined();
    expect(involves(stored, A)).toBe(true);
    expect(involves(stored, B)).toBe(true);
    expect(involves(stored, C)).toBe(false);
  });
});

describe('relating the same two tasks again', () => {
  it('allows a pair without a relation of that type', () => {
    expect(() => assertNotYetRelated(forwardRelation(A, 'blocks', B), undefined)).not.toThrow();
  });

  it.each<[string, ForwardRelation, ForwardRelation, string]>([
    [
      'the same relation twice',
      forwardRelation(A, 'blocks', B),
      forwardRelation(A, 'blocks', B),
      'The tasks already have a blocks relation',
    ],
    [
      'relates_to the other way round',
      forwardRelation(B, 'relates_to', A),
      forwardRelation(A, 'relates_to', B),
      'The tasks already have a relates_to relation',
    ],
    [
      'each the duplicate of the other',
      forwardRelation(B, 'duplicates', A),
      forwardRelation(A, 'duplicates', B),
      'The tasks already have a duplicates relation',
    ],
    [
      'blocking the task that blocks it',
      forwardRelation(B, 'blocks', A),
      forwardRelation(A, 'blocks', B),
      'The relation would make a blocking cycle',
    ],
  ])('refuses %s (409)', (_, wanted, existing, message) => {
    const error = errorOf(() => assertNotYetRelated(wanted, existing));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toBe(message);
  });
});

describe('blocking cycles', () => {
  it('refuses "source blocks target" when target already blocks source', () => {
    const error = errorOf(() => assertNoBlockingCycle(forwardRelation(C, 'blocks', A), true));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toBe('The relation would make a blocking cycle');
  });

  it('allows it otherwise, and never looks at other types', () => {
    expect(() => assertNoBlockingCycle(forwardRelation(C, 'blocks', A), false)).not.toThrow();
    expect(() => assertNoBlockingCycle(forwardRelation(C, 'relates_to', A), true)).not.toThrow();
  });
});
