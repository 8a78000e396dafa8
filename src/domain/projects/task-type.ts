// Task types are a project's own kinds of work (Bug, Incident; or BDL, SDL, nBDL, nPO).
import { ConflictError, ValidationError } from '../shared/errors.js';

export interface TaskType {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  /** 1 at creation, bumped by every rename: the ETag. */
  readonly version: number;
  readonly createdAt: Date;
}

/**
 * The types a new project starts with, in this order. Ordinary types: renamed or deleted like any
 * other. A task names its type by id or by name ignoring case, so `{"type": "bug"}` finds Bug.
 */
export const DEFAULT_TASK_TYPES = ['Bug', 'Task', 'Story'] as const;

export const TASK_TYPE_NAME_MAX_LENGTH = 50;

/** The most task types a project holds: the list is read whole, so it stays bounded. */
export const MAX_TASK_TYPES_PER_PROJECT = 50;

/** Refuses a new task type when the project holds `count` already and that is the most. */
export function assertRoomForTaskType(count: number): void {
  if (count >= MAX_TASK_TYPES_PER_PROJECT) {
    throw new ConflictError(
      `A project has at most ${MAX_TASK_TYPES_PER_PROJECT} task types; delete one first`,
    );
  }
}

/** The name, trimmed; 1–50 characters, unique in the project whatever its case (the repository). */
export function taskTypeName(raw: string, field = 'name'): string {
  const name = raw.trim();
  if (name.length === 0) throw ValidationError.field(field, 'Must not be empty');
  if (name.length > TASK_TYPE_NAME_MAX_LENGTH) {
    throw ValidationError.field(field, `Must be at most ${TASK_TYPE_NAME_MAX_LENGTH} characters`);
  }
  return name;
}
