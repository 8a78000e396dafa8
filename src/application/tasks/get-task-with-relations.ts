// Reading one task with its relations.
import type { RelatedTask } from '../../domain/tasks/relation.js';
import type { Task } from '../../domain/tasks/task.js';
import { readInOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { visibleTask } from './visibility.js';
import { relationsOf } from './visible-relations.js';

/** One task with its relations, read in one transaction (the single-task read shows both). */
export async function getTaskWithRelations(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  ref: string,
): Promise<{ readonly task: Task; readonly relations: RelatedTask[] }> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, ref);
    return { task, relations: await relationsOf(tx, access, task) };
  });
}
