// Reading one task.
import type { Task } from '../../domain/tasks/task.js';
import { readInOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { visibleTask } from './visibility.js';

/** The task named by id or key, if the caller may see it. */
export async function getTask(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  ref: string,
): Promise<Task> {
  return readInOrganization(deps, access, (tx) => visibleTask(tx, access, ref));
}
