// A person's place in an organization, and the rule that an organization always keeps an owner.
import { ConflictError } from '../shared/errors.js';

export interface Membership {
  readonly id: string;
  readonly organizationId: string;
  readonly userId: string;
  /** Built-in role name or custom role id. */
  readonly role: string;
  /** 1 at joining, bumped by every role change: the ETag. */
  readonly version: number;
  readonly createdAt: Date;
}

/** Refuses a change that would leave the organization with no owner. */
export function assertOwnerRemains(
  membership: Membership,
  newRole: string | null,
  owners: number,
): void {
  const losesOwner = membership.role === 'owner' && newRole !== 'owner';
  if (losesOwner && owners <= 1) {
    throw new ConflictError('The last owner cannot leave or be demoted');
  }
}
