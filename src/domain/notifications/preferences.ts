// Which channels a notification goes to, and when. A member chooses channels per kind in each
// organization; what they leave unset follows the organization's defaults, then the built-in
// ones. Quiet hours (a daily window in a time zone) hold email and SMS until they end; in-app
// notifications are never held.
import { canonicalTimezone } from '../identity/user.js';
import { ValidationError } from '../shared/errors.js';
import type { NotificationKind } from './recipients.js';

export const CHANNELS = ['in_app', 'email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channels per kind; a kind left out follows the level below. */
export type ChannelChoice = Readonly<Partial<Record<NotificationKind, readonly Channel[]>>>;

/** The built-in defaults: everything in the app, email for what asks something of the person. */
export const BUILT_IN_CHANNELS: Readonly<Record<NotificationKind, readonly Channel[]>> = {
  assigned: ['in_app', 'email'],
  unassigned: ['in_app'],
  mentioned: ['in_app', 'email'],
  request_updated: ['in_app', 'email'],
  watched_task: ['in_app'],
  invited: ['in_app', 'email'],
};

export interface QuietHours {
  /** Local times, `HH:MM`; the window runs from start to end, across midnight when end < start. */
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const minutesOf = (time: string): number => {
  const [, hours, minutes] = HH_MM.exec(time)!;
  return Number(hours) * 60 + Number(minutes);
};

/** Checked quiet hours (the zone in the runtime's spelling): 422 on the field at fault. */
export function quietHours(raw: QuietHours, field = 'quiet_hours'): QuietHours {
  for (const part of ['start', 'end'] as const) {
    if (!HH_MM.test(raw[part])) throw ValidationError.field(`${field}.${part}`, 'Must be HH:MM');
  }
  if (raw.start === raw.end) {
    throw ValidationError.field(`${field}.end`, 'Must differ from start');
  }
  const timeZone = canonicalTimezone(raw.timeZone, `${field}.time_zone`);
  return { start: raw.start, end: raw.end, timeZone };
}

/** Minutes since local midnight of `at` in `timeZone`. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

/**
 * When the quiet hours that `at` falls in end, or null outside them. Counted in wall-clock
 * minutes from `at`, so a window a daylight-saving change cuts through ends up to an hour off.
 */
export function quietHoursEnd(quiet: QuietHours, at: Date): Date | null {
  const now = localMinutes(at, quiet.timeZone);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return null;
  const minutesLeft = (end - now + 1440) % 1440;
  const startOfMinute = at.getTime() - (at.getTime() % 60_000);
  return new Date(startOfMinute + minutesLeft * 60_000);
}

export interface DeliveryPlan {
  readonly channels: readonly Channel[];
  /** Not before this may email or SMS go out; null when neither is chosen. */
  readonly deliverAfter: Date | null;
}

export interface PreferenceLevels {
  readonly member?: ChannelChoice | undefined;
  readonly organization?: ChannelChoice | undefined;
  readonly quietHours?: QuietHours | null | undefined;
}

export function deliveryPlan(
  kind: NotificationKind,
  levels: PreferenceLevels,
  at: Date,
): DeliveryPlan {
  const channels = levels.member?.[kind] ?? levels.organization?.[kind] ?? BUILT_IN_CHANNELS[kind];
  const outside = channels.some((channel) => channel !== 'in_app');
  if (!outside) return { channels, deliverAfter: null };
  const held = levels.quietHours ? quietHoursEnd(levels.quietHours, at) : null;
  return { channels, deliverAfter: held ?? at };
}
