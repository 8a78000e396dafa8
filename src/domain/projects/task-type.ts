// Task types are a project's own kinds of work (Bug, Incident; or BDL, SDL, nBDL, nPO).
import { ValidationError } from '../shared/errors.js';

export interface TaskType {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly createdAt: Date;
}

export const TASK_TYPE_NAME_MAX_LENGTH = 50;

/** The name, trimmed; 1–50 characters, unique in the project whatever its case (the repository). */
export function taskTypeName(raw: string, field = 'name'): string {
  const name = raw.trim();
  if (name.length === 0) throw ValidationError.field(field, 'Must not be empty');
  if (name.length > TASK_TYPE_NAME_MAX_LENGTH) {
    throw ValidationError.field(field, `Must be at most ${TASK_TYPE_NAME_MAX_LENGTH} characters`);
  }
  return name;
}
