// The digest scheduler's tick (every minute in the worker, and at its start): for each
// organization whose digest is on and whose local date is due, one mail to each recipient not yet
// sent that date's digest. The record of a digest sent and its mail job are written in one
// transaction, and the record's key (organization, recipient, local date) lets only one such
// transaction write it: with any number of workers ticking at once, each recipient gets one mail.
// A worker that was down at the digest time sends it when it comes back (the latest due date).
import {
  addDays,
  dueDigestDate,
  localDayBounds,
  type DigestSchedule,
} from '../../domain/organizations/digest.js';
import type { Permission } from '../../domain/access/permissions.js';
import { permissionsOfRole } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { enqueueEmail } from '../jobs/email.js';
import type { Logger } from '../shared/ports.js';
import { purgeOlderThan } from '../shared/retention.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { digestEmail } from './digest-email.js';
import type { DigestOrganization, DigestRecipient } from './ports.js';

export interface DigestDeps extends Pick<Deps, 'repos' | 'uow' | 'clock' | 'ids'> {
  /** Base of the project links: a front end (APP_URL), else the API itself. */
  readonly linkBase: string;
  readonly logger: Logger;
}

/** The digest counts every task of the organization: for those who may read them all. */
const NEEDED: readonly Permission[] = ['project:read', 'task:read:any'];

/** Enqueues every digest due now and not sent yet; resolves with how many. */
export async function sendDueDigests(deps: DigestDeps): Promise<number> {
  const now = deps.clock.now();
  let sent = 0;
  for (const organization of await deps.repos.digests.enabledOrganizations()) {
    const schedule = scheduleOf(organization);
    const date = dueDigestDate(schedule, now);
    if (date === null) continue;
    try {
      sent += await sendOrganizationDigest(deps, organization, schedule.timezone, date);
    } catch (error) {
      // One organization's failure holds back no other: it is tried again next tick.
      deps.logger.error({ err: error, organization_id: organization.id }, 'digest failed');
    }
  }
  return sent;
}

function scheduleOf({ digest, timezone }: DigestOrganization): DigestSchedule {
  return {
    localTime: digest.localTime,
    timezone: digest.timezone ?? timezone,
    since: digest.since,
  };
}

function sendOrganizationDigest(
  deps: DigestDeps,
  organization: DigestOrganization,
  timezone: string,
  date: string,
): Promise<number> {
  const now = deps.clock.now();
  return deps.uow.run(
    async (tx) => {
      if (!(await tx.digests.tryLock(organization.id))) return 0;
      const members = await tx.digests.recipients(organization.id, organization.digest.recipients);
      const readers = await readersAmong(tx, organization.id, members);
      const ids = readers.map((reader) => reader.userId);
      const claimed = new Set(await tx.digests.claim(organization.id, date, ids, now));
      if (claimed.size === 0) return 0;
      const { start, end } = localDayBounds(date, timezone);
      const tomorrowEnd = localDayBounds(addDays(date, 1), timezone).end;
      const projects = await tx.digests.projectCounts(organization.id, {
        ...{ start, end, tomorrowEnd, now },
      });
      for (const recipient of readers.filter((reader) => claimed.has(reader.userId))) {
        const mail = digestEmail({
          ...{ organization, date, timezone, projects, recipient },
          linkBase: deps.linkBase,
        });
        await enqueueEmail(deps, tx, { to: recipient.email, ...mail }, organization.id);
      }
      return claimed.size;
    },
    { organizationId: organization.id },
  );
}

/** The recipients whose role reads every project and task (a custom role read once). */
async function readersAmong(
  tx: Pick<Repositories, 'roles'>,
  organizationId: string,
  members: readonly DigestRecipient[],
): Promise<DigestRecipient[]> {
  const byRole = new Map<string, boolean>();
  const readers: DigestRecipient[] = [];
  for (const member of members) {
    let reads = byRole.get(member.role);
    if (reads === undefined) {
      const permissions = (await permissionsOfRole(tx, organizationId, member.role)) ?? [];
      reads = NEEDED.every((permission) => permissions.includes(permission));
      byRole.set(member.role, reads);
    }
    if (reads) readers.push(member);
  }
  return readers;
}

/**
 * Deletes the records of digests sent more than `retentionDays` ago: a day's record is needed
 * only while that local day can still be sent (the same day: the catch-up never goes further).
 */
export function purgeDigestRuns(
  deps: Pick<DigestDeps, 'repos' | 'clock'>,
  retentionDays: number,
  logger?: Logger,
): Promise<number> {
  return purgeOlderThan(
    deps.clock,
    retentionDays,
    (before, limit) => deps.repos.digests.purgeRuns(before, limit),
    { logger, what: 'digest run records' },
  );
}
