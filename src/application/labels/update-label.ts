// Changing a label.
import { authorize } from '../../domain/access/authorize.js';
import type { Label } from '../../domain/labels/label.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import { changesBetween, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { type UpdateLabelInput, validated } from './label-fields.js';

/**
 * Changes a label's name, color or description (a rename keeps the color). Nothing is written
 * or audited when every given value is already the current one.
 */
export async function updateLabel(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  id: string,
  input: UpdateLabelInput,
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
    if (Object.keys(diff).length === 0) return before;
    const after =
      (await tx.labels.update(organizationId, id, changes, deps.clock.now())) ?? notFound('label');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'label.updated',
      targetType: 'label',
      targetId: id,
      changes: diff,
    });
    return after;
  });
}
