// Ports of the daily digest: the organizations whose digest is on, who gets it, what it counts,
// and the record of each digest sent (the key that makes it once per recipient and local date).
import type { DigestRecipients, DigestSetting } from '../../domain/organizations/digest.js';

export interface DigestOrganization {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  /** The organization's zone (the digest's when its setting names none). */
  readonly timezone: string;
  readonly digest: DigestSetting;
}

export interface DigestRecipient {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  /** The member's role: built-in name or custom role id. */
  readonly role: string;
}

/** One project's counts for a local day. */
export interface ProjectDigest {
  readonly projectId: string;
  readonly name: string;
  readonly key: string;
  readonly created: number;
  readonly completed: number;
  /** Open tasks whose due time has passed (at `now`). */
  readonly overdue: number;
  /** Open tasks due during the next local day. */
  readonly dueTomorrow: number;
}

export interface DigestPeriod {
  /** The local day's first instant and the next day's. */
  readonly start: Date;
  readonly end: Date;
  /** The end of the next local day (due tomorrow: from `end` to this). */
  readonly tomorrowEnd: Date;
  readonly now: Date;
}

export interface DigestRepository {
  /** Across organizations (outside any scope): the live ones whose digest is on. */
  enabledOrganizations(): Promise<DigestOrganization[]>;
  /**
   * Takes the organization's digest lock for the transaction; false when another holds it (a
   * scheduler is at it: skip, its runs will be seen next time). Saves work, decides nothing.
   */
  tryLock(organizationId: string): Promise<boolean>;
  /** Current members holding one of the roles or named, with their address. */
  recipients(organizationId: string, recipients: DigestRecipients): Promise<DigestRecipient[]>;
  /**
   * Records the digest of `localDate` as sent to each of `userIds` not recorded yet, and returns
   * those: a concurrent transaction's record wins (its row commits first or this one waits for it).
   */
  claim(organizationId: string, localDate: string, userIds: string[], now: Date): Promise<string[]>;
  /** Deletes up to `limit` records of sent digests made before `before`; how many. */
  purgeRuns(before: Date, limit: number): Promise<number>;
  /** Live projects with something to report, by name. */
  projectCounts(organizationId: string, period: DigestPeriod): Promise<ProjectDigest[]>;
}
