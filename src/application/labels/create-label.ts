// Creating a label.
import { authorize } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { defaultLabelColor } from '../../domain/labels/label-color.js';
import type { Label } from '../../domain/labels/label.js';
import { recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { type CreateLabelInput, validated } from './label-fields.js';

/** Creates a label; ConflictError when the name is taken in the organization, whatever its case. */
export async function createLabel(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  input: CreateLabelInput,
): Promise<Label> {
  authorize(access.grant, 'label:manage');
  const fields = validated(input);
  const name = fields.name;
  const color = fields.color ?? defaultLabelColor(name);
  const description = fields.description ?? '';
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const label = await tx.labels.create({
      id: deps.ids.next(),
      organizationId,
      name,
      color,
      description,
      createdBy: actorIdOf(access.principal),
      now: deps.clock.now(),
    });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'label.created',
      targetType: 'label',
      targetId: label.id,
      changes: { name, color, description },
    });
    return label;
  });
}
