// What a request may name by key or name where a UUID is also accepted, resolved in one place per
// kind: tasks by key (`RE-12`) in the organization, labels by name in the organization, statuses by
// name in a project's workflow (`statusNamed`, domain) or across the organization's projects (a
// list filter). A UUID is taken as it is, without a query; keys and names are looked up in the
// caller's unit of work, scoped to its organization (row-level security), so another
// organization's key or name never resolves. What resolves to nothing is a 422 on its field.
import { statusNamed, unknownStatusMessage } from '../../domain/projects/workflow.js';
import { ValidationError, type FieldIssue } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import type { Repositories } from '../shared/unit-of-work.js';

/** A UUID as the database prints it (any case is accepted). */
const uuidOf = (ref: string) => ref.toLowerCase();

/**
 * The task ids `refs` name, in order: a UUID as it is, a key (any case) looked up with the others
 * in one statement; undefined for a key that names no task of the organization.
 */
export async function taskIdsOf(
  tx: Pick<Repositories, 'tasks'>,
  organizationId: string,
  refs: readonly string[],
): Promise<(string | undefined)[]> {
  const keys = refs.filter((ref) => !isUuid(ref));
  const ids =
    keys.length === 0 ? new Map<string, string>() : await tx.tasks.idsByKey(organizationId, keys);
  return refs.map((ref) => (isUuid(ref) ? uuidOf(ref) : ids.get(ref)));
}

/** The id of the task `ref` names (a UUID, or a key of the organization), or 422 on `field`. */
export async function taskIdOf(
  tx: Pick<Repositories, 'tasks'>,
  organizationId: string,
  ref: string,
  field: string,
): Promise<string> {
  const [id] = await taskIdsOf(tx, organizationId, [ref]);
  if (id === undefined) {
    throw ValidationError.field(field, `No task with the key “${ref}” in the organization`);
  }
  return id;
}

/**
 * The label ids `refs` name, in order: a UUID as it is (whether it is a label of the organization
 * is the write's to find), a name (any case) looked up with the others in one statement. Names
 * that no label has are a 422 naming each, on `fieldOf(index)`.
 */
export async function labelIdsOf(
  tx: Pick<Repositories, 'labels'>,
  organizationId: string,
  refs: readonly string[],
  fieldOf: (index: number) => string,
): Promise<string[]> {
  const names = refs.filter((ref) => !isUuid(ref));
  const ids =
    names.length === 0
      ? new Map<string, string>()
      : await tx.labels.idsByName(organizationId, names);
  const issues: FieldIssue[] = [];
  const resolved = refs.map((ref, index) => {
    if (isUuid(ref)) return uuidOf(ref);
    const id = ids.get(ref);
    if (id === undefined) {
      issues.push({
        field: fieldOf(index),
        message: `No label named “${ref}” in the organization`,
      });
    }
    return id ?? '';
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return resolved;
}

/**
 * The status ids a list filter names: a UUID as it is; a name (any case) in the project's workflow
 * when the list is a project's, else in every live project of the organization (one status per
 * project that has one of that name). A name nothing has is a 422 on `field`.
 */
export async function statusIdsOf(
  tx: Pick<Repositories, 'projects'>,
  organizationId: string,
  ref: string,
  projectId: string | undefined,
  field: string,
): Promise<string[]> {
  if (isUuid(ref)) return [uuidOf(ref)];
  const ids =
    projectId === undefined
      ? await tx.projects.statuses.idsNamed(organizationId, ref)
      : [statusNamed(await tx.projects.statuses.list(organizationId, projectId), ref)?.id].filter(
          (id): id is string => id !== undefined,
        );
  if (ids.length === 0) {
    const where = projectId === undefined ? 'any project of the organization' : 'the project';
    throw ValidationError.field(field, unknownStatusMessage(ref, where));
  }
  return ids;
}
