// The write window: when the roles it lists may write, on the acting user's own wall clock. Pure:
// the caller passes the instant; Intl (a language built-in) turns it into local weekday and time.
import { OutsideWorkingHoursError, ValidationError } from '../shared/errors.js';
import { PRIORITIES } from './task.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Used when a window names no exempt priorities: critical work is never held back. */
export const DEFAULT_EXEMPT_PRIORITIES: readonly string[] = ['critical'];

/**
 * The organization setting `write_window`. Times are 'HH:MM' on the acting user's clock: `start`
 * inclusive, `end` exclusive. An `end` before `start` runs past midnight, and the hours after
 * midnight belong to the day the window opened (22:00–06:00 on `fri` covers Saturday 05:59, not
 * Friday 05:59). `start` equal to `end` is the whole of each listed day.
 */
export interface WriteWindow {
  readonly start: string;
  readonly end: string;
  readonly days: readonly Weekday[];
  /** Roles held to the window; every other role may write at any time. */
  readonly roles: readonly string[];
  /** Writes on tasks of these priorities are always allowed; absent → DEFAULT_EXEMPT_PRIORITIES. */
  readonly exemptPriorities?: readonly string[] | undefined;
}

export interface WriteAttempt {
  /** The actor's role in the organization (built-in name or custom role id). */
  readonly role: string;
  /** The acting user's IANA timezone, e.g. 'Europe/Amsterdam'. */
  readonly timezone: string;
  /** The priority of the task written, when the write is on a task. */
  readonly priority?: string | undefined;
  readonly now: Date;
}

/** True when the window (if any) lets this actor write at `now`. */
export function isWriteAllowed(
  window: WriteWindow | null | undefined,
  attempt: WriteAttempt,
): boolean {
  if (!window || !window.roles.includes(attempt.role)) return true;
  const exempt = window.exemptPriorities ?? DEFAULT_EXEMPT_PRIORITIES;
  if (attempt.priority !== undefined && exempt.includes(attempt.priority)) return true;
  const local = localTimeOf(attempt.now, attempt.timezone);
  return isInsideWindow(window, local.weekday, local.minuteOfDay);
}

/** Throws OutsideWorkingHoursError (403) when the window forbids this write now. */
export function assertWriteAllowed(
  window: WriteWindow | null | undefined,
  attempt: WriteAttempt,
): void {
  if (!window || isWriteAllowed(window, attempt)) return;
  const { start, end, days } = window;
  const hours = start === end ? 'all day' : `${start}–${end}`;
  throw new OutsideWorkingHoursError(
    `Writes are allowed ${hours} on ${days.join(', ')} in your timezone (${attempt.timezone})`,
  );
}

/** Checks a window before it is saved as an organization setting (422 with the field's path). */
export function assertValidWriteWindow(window: WriteWindow, field = 'write_window'): void {
  minutesOf(window.start, `${field}.start`);
  minutesOf(window.end, `${field}.end`);
  if (window.days.length === 0)
    throw ValidationError.field(`${field}.days`, 'Name at least one day');
  for (const day of window.days) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) {
      throw ValidationError.field(
        `${field}.days`,
        `Unknown day ${day}; use ${WEEKDAYS.join(', ')}`,
      );
    }
  }
  if (new Set(window.days).size !== window.days.length) {
    throw ValidationError.field(`${field}.days`, 'Each day may appear once');
  }
  if (window.roles.length === 0) {
    throw ValidationError.field(`${field}.roles`, 'Name at least one role');
  }
  if (window.roles.some((role) => role.trim() === '')) {
    throw ValidationError.field(`${field}.roles`, 'Role names must not be empty');
  }
  if (new Set(window.roles).size !== window.roles.length) {
    throw ValidationError.field(`${field}.roles`, 'Each role may appear once');
  }
  for (const priority of window.exemptPriorities ?? []) {
    if (!(PRIORITIES as readonly string[]).includes(priority)) {
      throw ValidationError.field(
        `${field}.exempt_priorities`,
        `Unknown priority ${priority}; use ${PRIORITIES.join(', ')}`,
      );
    }
  }
}

/** A write window as a request states it: any strings, checked by parseWriteWindow. */
export interface WriteWindowInput {
  readonly start: string;
  readonly end: string;
  readonly days: readonly string[];
  readonly roles: readonly string[];
  readonly exemptPriorities?: readonly string[] | undefined;
}

/**
 * A requested write window checked and completed: role names trimmed, `exemptPriorities`
 * defaulted to DEFAULT_EXEMPT_PRIORITIES when absent (an explicit empty list exempts nothing).
 * Throws ValidationError naming `<field>.start|end|days|roles|exempt_priorities`. Whether each
 * role exists in the organization is the caller's check.
 */
export function parseWriteWindow(input: WriteWindowInput, field = 'write_window'): WriteWindow {
  const exemptPriorities = [...(input.exemptPriorities ?? DEFAULT_EXEMPT_PRIORITIES)];
  if (new Set(exemptPriorities).size !== exemptPriorities.length) {
    throw ValidationError.field(`${field}.exempt_priorities`, 'Each priority may appear once');
  }
  const window: WriteWindow = {
    start: input.start,
    end: input.end,
    days: input.days as readonly Weekday[],
    roles: input.roles.map((role) => role.trim()),
    exemptPriorities,
  };
  assertValidWriteWindow(window, field);
  return window;
}

function isInsideWindow(window: WriteWindow, weekday: Weekday, minute: number): boolean {
  const start = minutesOf(window.start, 'write_window.start');
  const end = minutesOf(window.end, 'write_window.end');
  const isListed = (day: Weekday) => window.days.includes(day);
  if (start === end) return isListed(weekday);
  if (start < end) return isListed(weekday) && minute >= start && minute < end;
  return (isListed(weekday) && minute >= start) || (isListed(previousDay(weekday)) && minute < end);
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(time: string, field: string): number {
  const match = HH_MM.exec(time);
  if (!match) throw ValidationError.field(field, 'Must be a time HH:MM (00:00–23:59)');
  return Number(match[1]) * 60 + Number(match[2]);
}

function previousDay(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7]!;
}

/** One formatter per zone: building one costs far more than formatting with it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      throw ValidationError.field('timezone', `Unknown timezone ${timeZone}`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The weekday and minute of the day that a wall clock in `timeZone` shows at `instant`. */
export function localTimeOf(
  instant: Date,
  timeZone: string,
): { weekday: Weekday; minuteOfDay: number } {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  const weekday = part('weekday').toLowerCase() as Weekday;
  return { weekday, minuteOfDay: Number(part('hour')) * 60 + Number(part('minute')) };
}
