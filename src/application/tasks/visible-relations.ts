// A task's relations as the caller may see them (only those whose other task it sees).
import type { RelatedTask } from '../../domain/tasks/relation.js';
import type { Task } from '../../domain/tasks/task.js';
import type { OrganizationAccess } from '../access/resolve-access.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { visibilityFilter } from './visibility.js';

export function relationsOf(
  tx: Pick<Repositories, 'tasks'>,
  access: OrganizationAccess,
  task: Task,
): Promise<RelatedTask[]> {
  return tx.tasks.relations.listFor(access.organization.id, task.id, visibilityFilter(access));
}
