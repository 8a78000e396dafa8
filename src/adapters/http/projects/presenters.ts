// Domain values of the projects area as the API shows them, and the list cursor's wire form.
import type { ProjectCursor, ProjectSort } from '../../../application/projects/ports.js';
import type { Project } from '../../../domain/projects/project.js';
import type { TaskType } from '../../../domain/projects/task-type.js';
import type { WorkflowStatus } from '../../../domain/projects/workflow.js';
import { ValidationError } from '../../../domain/shared/errors.js';
import { decodeCursor, encodeCursor } from '../schemas.js';
import { isUuid } from '../../../domain/shared/id.js';

export function presentProject(project: Project) {
  return {
    id: project.id,
    key: project.key,
    name: project.name,
    description: project.description,
    public_lookup: project.publicLookup,
    created_by: project.createdBy,
    progress: {
      todo: project.progress.todo,
      in_progress: project.progress.inProgress,
      done: project.progress.done,
      total: project.progress.total,
      percent_done: project.progress.percentDone,
    },
    version: project.version,
    created_at: project.createdAt.toISOString(),
    updated_at: project.updatedAt.toISOString(),
    deleted_at: project.deletedAt?.toISOString() ?? null,
  };
}

export function presentStatus(status: WorkflowStatus) {
  return {
    id: status.id,
    name: status.name,
    category: status.category,
    position: status.position,
  };
}

export function presentTaskType(type: TaskType) {
  return {
    id: type.id,
    project_id: type.projectId,
    name: type.name,
    version: type.version,
    created_at: type.createdAt.toISOString(),
  };
}

export function encodeProjectCursor(cursor: ProjectCursor): string {
  const value = cursor.sort === 'name' ? cursor.name : cursor.createdAt.toISOString();
  return encodeCursor(JSON.stringify([cursor.sort, value, cursor.id]));
}

/** The cursor of a page of `sort`; anything else is a 422 on `cursor`. */
export function decodeProjectCursor(
  raw: string | undefined,
  sort: ProjectSort,
): ProjectCursor | undefined {
  if (raw === undefined) return undefined;
  const invalid = () => ValidationError.field('cursor', 'Invalid cursor');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeCursor(raw) ?? '');
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [cursorSort, value, id] = parsed as unknown[];
  if (typeof value !== 'string' || typeof id !== 'string' || !isUuid(id)) throw invalid();
  if (cursorSort !== sort) {
    throw ValidationError.field('cursor', 'The cursor belongs to another sort order');
  }
  if (sort === 'name') return { sort, name: value, id };
  const createdAt = new Date(value);
  if (Number.isNaN(createdAt.getTime())) throw invalid();
  return { sort, createdAt, id };
}
