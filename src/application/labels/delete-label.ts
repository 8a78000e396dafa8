// Deleting a label; its tasks lose it.
import { authorize } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { notFound } from '../../domain/shared/errors.js';
import { recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';

/** Deletes the label (at `expectedVersion` when given: If-Match; another is a 412). */
export async function deleteLabel(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  id: string,
  expectedVersion?: number,
): Promise<void> {
  authorize(access.grant, 'label:manage');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const label = (await tx.labels.find(organizationId, id, { lock: true })) ?? notFound('label');
    // The foreign key takes the label off its tasks; each of them records losing it first.
    const tasks = await tx.tasks.history.recordDetach(
      organizationId,
      { labelId: label.id },
      actorIdOf(access.principal),
      deps.clock.now(),
    );
    // A version miss throws here, and the history rows above roll back with it.
    if (!(await tx.labels.delete(organizationId, label.id, expectedVersion))) notFound('label');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'label.deleted',
      targetType: 'label',
      targetId: id,
      changes: {
        name: label.name,
        color: label.color,
        description: label.description,
        tasks,
      },
    });
  });
}
