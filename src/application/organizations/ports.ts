// Ports of the organizations area.
import type { DigestSetting } from '../../domain/organizations/digest.js';
import type { Organization } from '../../domain/organizations/organization.js';
import type { WriteWindow } from '../../domain/tasks/write-window.js';

export interface NewOrganization {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly timezone: string;
  readonly now: Date;
}

export interface OrganizationChanges {
  readonly name?: string;
  readonly slug?: string;
  readonly timezone?: string;
  /** A new write window; null removes it. */
  readonly writeWindow?: WriteWindow | null;
  /** A new digest setting; null removes it. */
  readonly digest?: DigestSetting | null;
}

export interface OrganizationWithRole {
  readonly organization: Organization;
  /** Built-in role name or custom role id. */
  readonly role: string;
}

export interface OrganizationRepository {
  /** Throws ConflictError when the slug is taken. */
  create(organization: NewOrganization): Promise<Organization>;
  /** By id or slug; deleted organizations are not found. */
  find(idOrSlug: string): Promise<Organization | undefined>;
  listForUser(
    userId: string,
    page: { limit: number; after?: string },
  ): Promise<OrganizationWithRole[]>;
  /**
   * Applies the changes when the version matches (if given) and bumps it.
   * Returns undefined when the row is gone; throws PreconditionFailedError on a version miss
   * and ConflictError when a new slug is taken.
   */
  update(
    id: string,
    changes: OrganizationChanges,
    now: Date,
    expectedVersion?: number,
  ): Promise<Organization | undefined>;
  softDelete(id: string, now: Date, expectedVersion?: number): Promise<boolean>;
}
