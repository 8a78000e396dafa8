// Changing a label.
import { authorize } from '../../domain/access/authorize.js';
import type { Label } from '../../domain/labels/label.js';
import { notFound, PreconditionFailedError, ValidationError } from '../../domain/shared/errors.js';
import { changesBetween, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { type UpdateLabelInput, validated } from './label-fields.js';

export interface UpdateLabelRequest extends UpdateLabelInput {
  /** If-Match: the version the caller saw; another one is a PreconditionFailedError (412). */
  readonly expectedVersion?: number | undefined;
}

/**
 * Changes a label's name, color or description (a rename keeps the color) and bumps its version.
 * Nothing is written or audited when every given value is already the current one.
 */
export async function updateLabel(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  id: string,
  input: UpdateLabelRequest,
): Promise<Label> {
  authorize(access.grant, 'label:manage');
  const changes = validated(input);
  if (Object.keys(changes).length === 0) throw ValidationError.field('body', 'Nothing to change');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const before = (await tx.labels.find(organizationId, id, { lock: true })) ?? notFound('label');
    const diff = changesBetween(before, { ...before, ...changes }, [
      'name',
      'color',
      'description',
    ]);
    const expected = input.expectedVersion;
    if (Object.keys(diff).length === 0) {
      // Nothing to write; the row is locked, so its version is the current one.
      if (expected !== undefined && before.version !== expected)
        throw new PreconditionFailedError();
      return before;
    }
    const after =
      (await tx.labels.update(organizationId, id, changes, deps.clock.now(), expected)) ??
      notFound('label');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'label.updated',
      targetType: 'label',
      targetId: id,
      changes: diff,
    });
    return after;
  });
}
