// Notification preferences in an organization: the caller's own (any member), and the
// organization's defaults (read by members, changed with organization:update). Quiet hours
// without a time zone take the member's own (their profile's).
import { authorize } from '../../domain/access/authorize.js';
import { quietHours, type ChannelChoice } from '../../domain/notifications/preferences.js';
import { notFound } from '../../domain/shared/errors.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { MemberPreferences } from './ports.js';

export interface MemberPreferencesInput {
  readonly channels: ChannelChoice;
  readonly quietHours: {
    readonly start: string;
    readonly end: string;
    readonly timeZone?: string | undefined;
  } | null;
}

/** The caller as a member: an API key has no preferences of its own. */
function memberOf(access: OrganizationAccess): string {
  if (access.principal.kind !== 'user') notFound('notification preferences');
  return access.principal.userId;
}

export function getMemberPreferences(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
): Promise<MemberPreferences> {
  const userId = memberOf(access);
  return inOrganization(deps, access, (tx) =>
    tx.notifications.preferences.ofMember(access.organization.id, userId),
  );
}

export async function putMemberPreferences(
  deps: Pick<Deps, 'uow' | 'clock'>,
  access: OrganizationAccess,
  input: MemberPreferencesInput,
): Promise<MemberPreferences> {
  const userId = memberOf(access);
  return inOrganization(deps, access, async (tx) => {
    const raw = input.quietHours;
    const zone =
      raw === null || raw.timeZone !== undefined
        ? raw?.timeZone
        : (await tx.users.findById(userId))?.timezone;
    const quiet = raw === null ? null : quietHours({ ...raw, timeZone: zone ?? 'UTC' });
    return tx.notifications.preferences.saveMember(
      access.organization.id,
      userId,
      { channels: input.channels, quietHours: quiet },
      deps.clock.now(),
    );
  });
}

export function getOrganizationDefaults(deps: Pick<Deps, 'uow'>, access: OrganizationAccess) {
  authorize(access.grant, 'organization:read');
  return inOrganization(deps, access, (tx) =>
    tx.notifications.preferences.ofOrganization(access.organization.id),
  );
}

export function putOrganizationDefaults(
  deps: Pick<Deps, 'uow' | 'clock'>,
  access: OrganizationAccess,
  channels: ChannelChoice,
) {
  authorize(access.grant, 'organization:update');
  return inOrganization(deps, access, (tx) =>
    tx.notifications.preferences.saveOrganization(
      access.organization.id,
      channels,
      deps.clock.now(),
    ),
  );
}
