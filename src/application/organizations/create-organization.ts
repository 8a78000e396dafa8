// Creating an organization (a tenant).
import type { Principal } from '../../domain/identity/principal.js';
import { canonicalTimezone } from '../../domain/identity/user.js';
import {
  assertValidOrganizationName,
  assertValidSlug,
} from '../../domain/organizations/organization.js';
import { ForbiddenError } from '../../domain/shared/errors.js';
import { recordAudit } from '../access/audit.js';
import type { Deps } from '../deps.js';
import type { OrganizationWithRole } from './ports.js';

export interface CreateOrganizationInput {
  readonly name: string;
  readonly slug: string;
  readonly timezone?: string | undefined;
}

/** Creates the organization and makes the caller its owner, in one transaction. */
export async function createOrganization(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  actor: Principal,
  input: CreateOrganizationInput,
): Promise<OrganizationWithRole> {
  if (actor.kind !== 'user') throw new ForbiddenError('API keys cannot create organizations');
  assertValidOrganizationName(input.name);
  assertValidSlug(input.slug);
  const timezone = canonicalTimezone(input.timezone ?? 'UTC');
  const id = deps.ids.next();
  return deps.uow.run(
    async (tx) => {
      const now = deps.clock.now();
      const organization = await tx.organizations.create({
        id,
        name: input.name.trim(),
        slug: input.slug,
        timezone,
        now,
      });
      await tx.memberships.add({
        id: deps.ids.next(),
        organizationId: id,
        userId: actor.userId,
        role: 'owner',
        now,
      });
      await recordAudit(deps, tx, actor, id, {
        action: 'organization.created',
        targetType: 'organization',
        targetId: id,
        changes: { name: organization.name, slug: organization.slug, timezone },
      });
      return { organization, role: 'owner' };
    },
    { organizationId: id },
  );
}
