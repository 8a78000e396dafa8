// Listing a task's relations.
import type { RelatedTask } from '../../domain/tasks/relation.js';
import { readInOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { visibleTask } from './visibility.js';
import { relationsOf } from './visible-relations.js';

/** The task's relations from its side, oldest first; only those whose other task the caller sees. */
export async function listRelations(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  ref: string,
): Promise<RelatedTask[]> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, ref);
    return relationsOf(tx, access, task);
  });
}
