// What the task routes share: the single-task answer (with its ETag), the tag, and the wording of
// the error responses they document.
import type { Task } from '../../../domain/tasks/task.js';
import { setEtag } from '../conditional.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { presentTask } from '../../shared/task-fields.js';

export const tags = ['Tasks'];

export function respondOne(ctx: AppContext, task: Task, created = false) {
  setEtag(ctx, task.version);
  respond(
    ctx,
    presentTask(task),
    created ? { status: 201, location: organizationUrl(ctx, 'tasks', task.id) } : {},
  );
}

export const notFound = {
  description: 'No such organization or task, or the caller may not see it',
};
export const forbidden = {
  description:
    'The caller lacks the permission (a member changes only what it created or is assigned)',
};
export const stale = { description: 'If-Match does not match the current ETag' };
export const outside = {
  description: 'FORBIDDEN, or OUTSIDE_WORKING_HOURS under the write window',
};
