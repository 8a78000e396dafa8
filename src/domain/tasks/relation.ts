// Relations between two tasks of one organization. Each is stored once, in its forward sense
// (`blocked_by` is the `blocks` relation of the other task), and read from either task's side.
import { ConflictError, ValidationError } from '../shared/errors.js';

/** What a caller asks for, from the side of the task it names in the path. */
export const RELATION_TYPES = ['blocks', 'blocked_by', 'duplicates', 'relates_to'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

/** What is stored: the forward sense only. */
export type StoredRelationType = 'blocks' | 'duplicates' | 'relates_to';

/** What a task's side of a relation reads as: the input types, and `duplicated_by`. */
export const RELATION_VIEW_TYPES = [
  'blocks',
  'blocked_by',
  'duplicates',
  'duplicated_by',
  'relates_to',
] as const;
export type RelationViewType = (typeof RELATION_VIEW_TYPES)[number];

/** One stored relation: `source` blocks / duplicates / relates to `target`. */
export interface TaskRelation {
  readonly id: string;
  readonly organizationId: string;
  readonly sourceTaskId: string;
  readonly targetTaskId: string;
  readonly type: StoredRelationType;
  readonly createdBy: string | null;
  readonly createdAt: Date;
}

/** A relation as one of its tasks sees it, with what the API shows of the other task. */
export interface RelatedTask {
  readonly id: string;
  readonly type: RelationViewType;
  readonly taskId: string;
  readonly taskKey: string;
  readonly taskTitle: string;
  readonly createdBy: string | null;
  readonly createdAt: Date;
}

export interface ForwardRelation {
  readonly sourceTaskId: string;
  readonly targetTaskId: string;
  readonly type: StoredRelationType;
}

/**
 * "`taskId` `type` `otherTaskId`" in its stored sense: `A blocked_by B` is `B blocks A`; the
 * others keep their direction (`relates_to` is symmetric and stored as asked). A task cannot be
 * related to itself.
 */
export function forwardRelation(
  taskId: string,
  type: RelationType,
  otherTaskId: string,
): ForwardRelation {
  if (taskId === otherTaskId) {
    throw ValidationError.field('task_id', 'A task cannot be related to itself');
  }
  return type === 'blocked_by'
    ? { sourceTaskId: otherTaskId, targetTaskId: taskId, type: 'blocks' }
    : { sourceTaskId: taskId, targetTaskId: otherTaskId, type };
}

export const involves = (relation: ForwardRelation, taskId: string) =>
  relation.sourceTaskId === taskId || relation.targetTaskId === taskId;

/**
 * The relation from `taskId`'s side: its type as that task reads it and the other task.
 * Undefined when the relation does not involve the task.
 */
export function relationSeenFrom(
  relation: ForwardRelation,
  taskId: string,
): { readonly type: RelationViewType; readonly otherTaskId: string } | undefined {
  if (relation.sourceTaskId === taskId) {
    return { type: relation.type, otherTaskId: relation.targetTaskId };
  }
  if (relation.targetTaskId !== taskId) return undefined;
  return { type: REVERSE[relation.type], otherTaskId: relation.sourceTaskId };
}

const REVERSE: Readonly<Record<StoredRelationType, RelationViewType>> = {
  blocks: 'blocked_by',
  duplicates: 'duplicated_by',
  relates_to: 'relates_to',
};

/**
 * Refuses a relation when the two tasks already have one of its type, in either direction:
 * the same relation again, `relates_to` asked the other way round, two tasks each the duplicate
 * of the other, or a task blocking the task that blocks it.
 */
export function assertNotYetRelated(
  wanted: ForwardRelation,
  existing: ForwardRelation | undefined,
): void {
  if (!existing) return;
  if (existing.type === 'blocks' && existing.sourceTaskId !== wanted.sourceTaskId) {
    throw blockingCycle();
  }
  throw new ConflictError(`The tasks already have a ${wanted.type} relation`);
}

/**
 * Refuses `source blocks target` when `target` already blocks `source`, directly or through
 * other tasks (`targetBlocksSource`): the tasks would wait on each other for ever.
 */
export function assertNoBlockingCycle(wanted: ForwardRelation, targetBlocksSource: boolean): void {
  if (wanted.type === 'blocks' && targetBlocksSource) throw blockingCycle();
}

const blockingCycle = () => new ConflictError('The relation would make a blocking cycle');

/**
 * The most relations a task takes part in, from either side: its relations are read whole (the
 * task's relation list, and `relations` in a single read), so they stay bounded.
 */
export const MAX_RELATIONS_PER_TASK = 100;

/**
 * Refuses a new relation when either of its tasks takes part in the most relations already
 * (`counts`: each task's key and its relations, deleted other tasks included).
 */
export function assertRoomForRelation(
  counts: ReadonlyArray<{ readonly taskKey: string; readonly relations: number }>,
): void {
  const full = counts.filter((task) => task.relations >= MAX_RELATIONS_PER_TASK);
  if (full.length === 0) return;
  throw new ConflictError(
    `A task takes part in at most ${MAX_RELATIONS_PER_TASK} relations, and ` +
      `${full.map((task) => task.taskKey).join(' and ')} ${full.length > 1 ? 'have' : 'has'} ` +
      'that many; remove one first',
  );
}
