// How the organization setting `digest` is stored in `organizations.settings`: the API's
// snake_case shape, plus `since` (when its schedule began) as ISO text.
import type { DigestSetting } from '../../domain/organizations/digest.js';

interface StoredDigest {
  enabled: boolean;
  local_time: string;
  timezone: string | null;
  recipients: { roles: string[]; members: string[] };
  since: string;
}

export function toDigest(stored: unknown): DigestSetting | null {
  if (stored === null || typeof stored !== 'object') return null;
  const digest = stored as StoredDigest;
  return {
    enabled: digest.enabled,
    localTime: digest.local_time,
    timezone: digest.timezone,
    recipients: { roles: digest.recipients.roles, members: digest.recipients.members },
    since: new Date(digest.since),
  };
}

export function storedDigest(digest: DigestSetting): string {
  const stored: StoredDigest = {
    enabled: digest.enabled,
    local_time: digest.localTime,
    timezone: digest.timezone,
    recipients: { roles: [...digest.recipients.roles], members: [...digest.recipients.members] },
    since: digest.since.toISOString(),
  };
  return JSON.stringify(stored);
}
