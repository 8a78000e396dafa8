// Reading one label.
import { authorize } from '../../domain/access/authorize.js';
import type { Label } from '../../domain/labels/label.js';
import { notFound } from '../../domain/shared/errors.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';

export async function getLabel(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  id: string,
): Promise<Label> {
  authorize(access.grant, 'project:read');
  const label = await inOrganization(deps, access, (tx) =>
    tx.labels.find(access.organization.id, id),
  );
  return label ?? notFound('label');
}
