// Reading one organization, as the caller's access resolved it.
import { authorize } from '../../domain/access/authorize.js';
import type { OrganizationAccess } from '../access/resolve-access.js';
import type { OrganizationWithRole } from './ports.js';

export function getOrganization(access: OrganizationAccess): OrganizationWithRole {
  authorize(access.grant, 'organization:read');
  return { organization: access.organization, role: access.grant.role };
}
