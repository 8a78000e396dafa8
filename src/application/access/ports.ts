// Ports of the access area: memberships, custom roles, invitations, teams, API keys, audit log.
// Every tenant repository works inside a unit of work scoped to one organization (RLS).
import type { Membership } from '../../domain/access/membership.js';
import type { Permission } from '../../domain/access/permissions.js';

export interface PageRequest {
  readonly limit: number;
  /** The last id of the previous page. */
  readonly after?: string | undefined;
}

export interface MemberView extends Membership {
  readonly email: string;
  readonly name: string;
}

export interface MembershipRepository {
  add(membership: {
    id: string;
    organizationId: string;
    userId: string;
    role: string;
    now: Date;
  }): Promise<Membership>;
  find(organizationId: string, userId: string): Promise<Membership | undefined>;
  list(organizationId: string, page: PageRequest): Promise<MemberView[]>;
  findView(organizationId: string, userId: string): Promise<MemberView | undefined>;
  /**
   * Gives the member the role and bumps the version, only while the version is `expectedVersion`
   * (if given). Undefined when there is no such member; PreconditionFailedError on a version miss.
   */
  updateRole(
    organizationId: string,
    userId: string,
    role: string,
    expectedVersion?: number,
  ): Promise<Membership | undefined>;
  remove(organizationId: string, userId: string): Promise<boolean>;
  countWithRole(organizationId: string, role: string): Promise<number>;
  /**
   * Counts the owners while locking their rows until the transaction ends, so two concurrent
   * demotions cannot each see another owner and leave none.
   */
  countOwnersLocked(organizationId: string): Promise<number>;
  userIdsWithRole(organizationId: string, role: string): Promise<string[]>;
}

export interface CustomRole {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly Permission[];
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface RoleRepository {
  list(organizationId: string): Promise<CustomRole[]>;
  /**
   * Serializes the organization's role creations until the transaction ends, then counts its
   * custom roles (those committed by a creation it waited for included).
   */
  countLocked(organizationId: string): Promise<number>;
  find(organizationId: string, id: string): Promise<CustomRole | undefined>;
  /** Throws ConflictError when the name is taken in the organization. */
  create(role: {
    id: string;
    organizationId: string;
    name: string;
    description: string;
    permissions: readonly Permission[];
    now: Date;
  }): Promise<CustomRole>;
  /** Undefined when gone; PreconditionFailedError on a version miss; ConflictError on a name clash. */
  update(
    organizationId: string,
    id: string,
    changes: { name?: string; description?: string; permissions?: readonly Permission[] },
    now: Date,
    expectedVersion?: number,
  ): Promise<CustomRole | undefined>;
  delete(organizationId: string, id: string): Promise<boolean>;
}

export interface Invitation {
  readonly id: string;
  readonly organizationId: string;
  readonly email: string;
  readonly role: string;
  readonly invitedBy: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly acceptedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface InvitationRepository {
  create(invitation: {
    id: string;
    organizationId: string;
    email: string;
    role: string;
    tokenHash: string;
    invitedBy: string | null;
    now: Date;
    expiresAt: Date;
  }): Promise<Invitation>;
  find(organizationId: string, id: string): Promise<Invitation | undefined>;
  /**
   * A page of the pending ones (not accepted, not revoked, not expired at `now`), newest first
   * (`created_at`, then id, both descending), after the invitation `page.after` names.
   */
  listPending(organizationId: string, now: Date, page: PageRequest): Promise<Invitation[]>;
  /**
   * Revokes the open invitation for this email, if any (a re-invite replaces it), expired or
   * not; answers what it revoked.
   */
  revokePendingFor(organizationId: string, email: string, now: Date): Promise<Invitation[]>;
  revoke(organizationId: string, id: string, now: Date): Promise<boolean>;
  markAccepted(organizationId: string, id: string, userId: string, now: Date): Promise<boolean>;
  /** Global lookup: which organization and invitation a token belongs to (no tenant scope needed). */
  locateToken(
    tokenHash: string,
  ): Promise<{ organizationId: string; invitationId: string } | undefined>;
}

export interface Team {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly description: string;
  readonly memberCount: number;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface TeamMember {
  readonly teamId: string;
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly addedAt: Date;
}

export interface TeamRepository {
  list(organizationId: string, page: PageRequest): Promise<Team[]>;
  find(organizationId: string, id: string): Promise<Team | undefined>;
  create(team: {
    id: string;
    organizationId: string;
    name: string;
    description: string;
    now: Date;
  }): Promise<Team>;
  update(
    organizationId: string,
    id: string,
    changes: { name?: string; description?: string },
    now: Date,
    expectedVersion?: number,
  ): Promise<Team | undefined>;
  delete(organizationId: string, id: string): Promise<boolean>;
  /**
   * The team's members in the order they joined (`created_at`, then the membership row); with
   * `page`, at most `page.limit` of them after the member whose user id `page.after` is.
   */
  listMembers(organizationId: string, teamId: string, page?: PageRequest): Promise<TeamMember[]>;
  /** ConflictError when already a member. */
  addMember(member: {
    id: string;
    organizationId: string;
    teamId: string;
    userId: string;
    now: Date;
  }): Promise<void>;
  removeMember(organizationId: string, teamId: string, userId: string): Promise<boolean>;
  /** Removes the user from every team of the organization (when they leave it). */
  removeUserEverywhere(organizationId: string, userId: string): Promise<void>;
}

export interface ApiKey {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly prefix: string;
  readonly role: string;
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface ApiKeyRepository {
  create(key: {
    id: string;
    organizationId: string;
    name: string;
    prefix: string;
    secretHash: string;
    role: string;
    createdBy: string | null;
    now: Date;
    expiresAt: Date | null;
  }): Promise<ApiKey>;
  list(organizationId: string): Promise<ApiKey[]>;
  find(organizationId: string, id: string): Promise<ApiKey | undefined>;
  /** The key and its secret hash, for authentication. */
  findWithSecret(
    organizationId: string,
    id: string,
  ): Promise<{ key: ApiKey; secretHash: string } | undefined>;
  revoke(organizationId: string, id: string, now: Date): Promise<boolean>;
  touch(organizationId: string, id: string, now: Date): Promise<void>;
  /** Global lookup: which organization and key a prefix belongs to. */
  locatePrefix(prefix: string): Promise<{ organizationId: string; keyId: string } | undefined>;
  /** Keys bound to a role (a role in use by a key cannot be deleted). */
  countWithRole(organizationId: string, role: string): Promise<number>;
  /** Ids of unrevoked keys bound to a role (their cached grants go when the role changes). */
  keyIdsWithRole(organizationId: string, role: string): Promise<string[]>;
}

export interface AuditEntry {
  readonly id: string;
  readonly organizationId: string;
  readonly actorType: 'user' | 'apikey';
  readonly actorId: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly changes: Readonly<Record<string, unknown>>;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly requestId: string | null;
  readonly createdAt: Date;
}

export interface AuditFilters {
  readonly actorId?: string | undefined;
  readonly action?: string | undefined;
  readonly targetType?: string | undefined;
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
}

export interface AuditLogRepository {
  record(entry: AuditEntry): Promise<void>;
  /** Newest first; `after` is the id of the last entry of the previous page. */
  list(organizationId: string, filters: AuditFilters, page: PageRequest): Promise<AuditEntry[]>;
}
