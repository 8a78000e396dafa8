// The daily digest: an organization setting (when, on which clock, to whom) and the schedule it
// implies. Pure: the caller passes the instant; Intl (a language built-in) turns instants into
// wall-clock dates and times of an IANA zone, DST changes included.
import { canonicalTimezone } from '../identity/user.js';
import { ValidationError } from '../shared/errors.js';
import { isUuid } from '../shared/id.js';

export const DEFAULT_DIGEST_TIME = '18:00';

export interface DigestRecipients {
  /** Built-in role names or custom role ids: every member holding one gets the digest. */
  readonly roles: readonly string[];
  /** User ids of members; one no longer a member is skipped. */
  readonly members: readonly string[];
}

/** The organization setting `digest`. */
export interface DigestSetting {
  readonly enabled: boolean;
  /** 'HH:MM' on the digest's clock. */
  readonly localTime: string;
  /** An IANA zone; null: the organization's `timezone`. */
  readonly timezone: string | null;
  readonly recipients: DigestRecipients;
  /**
   * When the schedule (enabled, time, zone) last changed: a digest moment before it is never
   * due, so switching the digest on at 19:00 sends nothing until the next day's moment.
   */
  readonly since: Date;
}

/** A digest setting as a request states it. */
export interface DigestInput {
  readonly enabled: boolean;
  readonly localTime?: string | undefined;
  readonly timezone?: string | null | undefined;
  readonly recipients: {
    readonly roles?: readonly string[] | undefined;
    readonly members?: readonly string[] | undefined;
  };
}

/**
 * A requested setting checked and completed (time defaulted, zone canonical, lists without
 * repeats). `previous` is the stored one: its `since` is kept when the schedule is unchanged.
 * Throws ValidationError naming `digest.<field>`; whether the roles and members exist in the
 * organization is the caller's check.
 */
export function parseDigest(
  input: DigestInput,
  previous: DigestSetting | null,
  now: Date,
): DigestSetting {
  const localTime = input.localTime ?? DEFAULT_DIGEST_TIME;
  minutesOf(localTime, 'digest.local_time');
  const timezone =
    input.timezone === undefined || input.timezone === null
      ? null
      : canonicalTimezone(input.timezone, 'digest.timezone');
  const roles = [...new Set((input.recipients.roles ?? []).map((role) => role.trim()))];
  const members = [...new Set(input.recipients.members ?? [])];
  if (roles.some((role) => role === '')) {
    throw ValidationError.field('digest.recipients.roles', 'Role names must not be empty');
  }
  if (members.some((id) => !isUuid(id))) {
    throw ValidationError.field('digest.recipients.members', 'Must be user ids');
  }
  if (input.enabled && roles.length + members.length === 0) {
    throw ValidationError.field('digest.recipients', 'Name at least one role or member');
  }
  const sameSchedule =
    previous !== null &&
    previous.enabled === input.enabled &&
    previous.localTime === localTime &&
    previous.timezone === timezone;
  return {
    enabled: input.enabled,
    localTime,
    timezone,
    recipients: { roles, members },
    since: sameSchedule ? previous.since : now,
  };
}

/** When and on which clock a digest goes out. */
export interface DigestSchedule {
  readonly localTime: string;
  readonly timezone: string;
  readonly since: Date;
}

/**
 * The local date (YYYY-MM-DD) whose digest is due at `now`: the latest date whose digest moment
 * has passed (today's once its time has come, else yesterday's), or null when that moment came
 * before the schedule did (`since`). A date missed entirely (no worker all day) is not sent once
 * the next date is due: only the latest counts.
 */
export function dueDigestDate(schedule: DigestSchedule, now: Date): string | null {
  const { localTime, timezone } = schedule;
  let date = localDateOf(now, timezone);
  if (digestMoment(date, localTime, timezone) > now) date = addDays(date, -1);
  return digestMoment(date, localTime, timezone) < schedule.since ? null : date;
}

/**
 * The instant a wall clock in `timeZone` first shows `localTime` (or later) on `date`. In a
 * spring-forward gap (02:30 that never shows) it is the first instant after the gap; in a
 * fall-back hour (02:30 that shows twice) the first of the two.
 */
export function digestMoment(date: string, localTime: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const minutes = minutesOf(localTime, 'local_time');
  const wall = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  // The offsets a day either side: at most one change lies between them in any real zone.
  const offsets = [offsetAt(wall - DAY_MS, timeZone), offsetAt(wall + DAY_MS, timeZone)];
  const exact = offsets
    .map((offset) => wall - offset)
    .filter((instant) => wallClockAt(instant, timeZone) === wall);
  if (exact.length > 0) return new Date(Math.min(...exact));
  // A gap: the clock jumps over `wall` between these two instants; find the jump to the second.
  let before = (wall - Math.max(...offsets)) / 1000;
  let after = (wall - Math.min(...offsets)) / 1000;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (wallClockAt(middle * 1000, timeZone) >= wall) after = middle;
    else before = middle;
  }
  return new Date(after * 1000);
}

/** The date (YYYY-MM-DD) a wall clock in `timeZone` shows at `instant`. */
export function localDateOf(instant: Date, timeZone: string): string {
  return new Date(wallClockAt(instant.getTime(), timeZone)).toISOString().slice(0, 10);
}

/** `date` (YYYY-MM-DD) moved by whole days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instants of a local date: from its first moment to the next date's. */
export function localDayBounds(date: string, timeZone: string): { start: Date; end: Date } {
  return {
    start: digestMoment(date, '00:00', timeZone),
    end: digestMoment(addDays(date, 1), '00:00', timeZone),
  };
}

const DAY_MS = 86_400_000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(time: string, field: string): number {
  const match = HH_MM.exec(time);
  if (!match) throw ValidationError.field(field, 'Must be a time HH:MM (00:00–23:59)');
  return Number(match[1]) * 60 + Number(match[2]);
}

/** One formatter per zone: building one costs far more than formatting with it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      ...{ year: 'numeric', month: 'numeric', day: 'numeric' },
      ...{ hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' },
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** What the zone's wall clock shows at `instant` (ms), as milliseconds of a UTC calendar. */
function wallClockAt(instant: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
}

/** The zone's offset from UTC at `instant` (ms), to the second. */
function offsetAt(instant: number, timeZone: string): number {
  return wallClockAt(instant, timeZone) - Math.floor(instant / 1000) * 1000;
}
