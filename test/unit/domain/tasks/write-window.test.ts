// The write window, as tables: instants (UTC) against windows on the acting user's wall clock,
// across timezones, midnight, day boundaries and the DST changes of 2026 in Europe and the US.
import { describe, expect, it } from 'vitest';
import { aWindow } from '../../../support/builders/domain.js';
import { mapError } from '../../../../src/adapters/http/errors.js';
import { OutsideWorkingHoursError, ValidationError } from '../../../../src/domain/shared/errors.js';
import {
  assertValidWriteWindow,
  assertWriteAllowed,
  isWriteAllowed,
  localTimeOf,
  parseWriteWindow,
  type WriteWindow,
} from '../../../../src/domain/tasks/write-window.js';

const allowed = (window: WriteWindow, at: string, timezone = 'UTC', priority?: string) =>
  isWriteAllowed(window, { role: 'member', timezone, priority, now: new Date(at) });

type Row = readonly [at: string, timezone: string, expected: boolean, why: string];

function table(name: string, window: WriteWindow, rows: readonly Row[]) {
  describe(name, () => {
    it.each(rows)('%s in %s → %s (%s)', (at, timezone, expected) => {
      expect(allowed(window, at, timezone)).toBe(expected);
    });
  });
}

// 2026-03-02 is a Monday; 2026-03-06 a Friday.
table('an office-hours window, 09:00–17:00 Monday to Friday', aWindow(), [
  ['2026-03-02T08:59:00Z', 'UTC', false, 'a minute before start'],
  ['2026-03-02T09:00:00Z', 'UTC', true, 'start is inclusive'],
  ['2026-03-02T16:59:59Z', 'UTC', true, 'last second'],
  ['2026-03-02T17:00:00Z', 'UTC', false, 'end is exclusive'],
  ['2026-03-07T12:00:00Z', 'UTC', false, 'Saturday'],
  ['2026-03-08T12:00:00Z', 'UTC', false, 'Sunday'],
  ['2026-03-02T08:30:00Z', 'Europe/Amsterdam', true, '09:30 CET'],
  ['2026-03-02T16:30:00Z', 'Europe/Amsterdam', false, '17:30 CET'],
  ['2026-03-02T14:30:00Z', 'America/New_York', true, '09:30 EST'],
  ['2026-03-02T13:30:00Z', 'America/New_York', false, '08:30 EST'],
  ['2026-03-02T04:00:00Z', 'Asia/Kolkata', true, '09:30 IST, a half-hour offset'],
  ['2026-03-02T03:29:00Z', 'Asia/Kolkata', false, '08:59 IST'],
]);

table('day boundaries fall in the user’s zone, not in UTC', aWindow(), [
  ['2026-03-06T23:30:00Z', 'UTC', false, 'Friday 23:30'],
  ['2026-03-06T23:30:00Z', 'America/Los_Angeles', true, 'Friday 15:30 PST'],
  ['2026-03-06T23:30:00Z', 'Pacific/Auckland', false, 'already Saturday 12:30 NZDT'],
  ['2026-03-08T23:30:00Z', 'UTC', false, 'Sunday 23:30'],
  ['2026-03-08T23:30:00Z', 'Pacific/Auckland', true, 'already Monday 12:30 NZDT'],
  ['2026-03-02T01:00:00Z', 'America/Los_Angeles', false, 'still Sunday 17:00 PST'],
  ['2026-03-02T01:00:00Z', 'Pacific/Kiritimati', true, 'Monday 15:00 at UTC+14'],
]);

table(
  'a night window crossing midnight, 22:00–06:00 opening on Friday',
  aWindow({ start: '22:00', end: '06:00', days: ['fri'] }),
  [
    ['2026-03-06T21:59:00Z', 'UTC', false, 'Friday 21:59'],
    ['2026-03-06T22:00:00Z', 'UTC', true, 'Friday 22:00'],
    ['2026-03-06T23:59:00Z', 'UTC', true, 'Friday 23:59'],
    ['2026-03-07T00:00:00Z', 'UTC', true, 'Saturday 00:00 belongs to Friday’s night'],
    ['2026-03-07T05:59:00Z', 'UTC', true, 'Saturday 05:59'],
    ['2026-03-07T06:00:00Z', 'UTC', false, 'Saturday 06:00, end exclusive'],
    ['2026-03-07T22:30:00Z', 'UTC', false, 'Saturday night opens no window'],
    ['2026-03-06T05:00:00Z', 'UTC', false, 'Friday 05:00 belongs to Thursday’s night'],
    ['2026-03-06T13:30:00Z', 'Asia/Tokyo', true, 'Friday 22:30 JST'],
    ['2026-03-07T03:00:00Z', 'America/New_York', true, 'Friday 22:00 EST'],
    ['2026-03-07T11:30:00Z', 'America/New_York', false, 'Saturday 06:30 EST'],
  ],
);

table(
  'a window ending at midnight, 18:00–00:00 on Friday',
  aWindow({ start: '18:00', end: '00:00', days: ['fri'] }),
  [
    ['2026-03-06T17:59:00Z', 'UTC', false, 'Friday 17:59'],
    ['2026-03-06T23:59:00Z', 'UTC', true, 'Friday 23:59'],
    ['2026-03-07T00:00:00Z', 'UTC', false, 'Saturday 00:00'],
  ],
);

table(
  'start equal to end: the whole of each listed day',
  aWindow({ start: '08:00', end: '08:00', days: ['sat', 'sun'] }),
  [
    ['2026-03-07T00:00:00Z', 'UTC', true, 'Saturday 00:00'],
    ['2026-03-07T07:59:00Z', 'UTC', true, 'Saturday before the named hour'],
    ['2026-03-08T23:59:00Z', 'UTC', true, 'Sunday 23:59'],
    ['2026-03-09T00:00:00Z', 'UTC', false, 'Monday 00:00'],
    ['2026-03-06T12:00:00Z', 'UTC', false, 'Friday'],
    ['2026-03-06T23:30:00Z', 'Pacific/Auckland', true, 'Saturday 12:30 NZDT'],
  ],
);

describe('DST changes', () => {
  // 2026-03-29 (Sunday): Amsterdam's clocks go 02:00 CET → 03:00 CEST at 01:00 UTC.
  table(
    'Europe/Amsterdam spring forward, window 01:00–03:00 Sunday: one real hour long',
    aWindow({ start: '01:00', end: '03:00', days: ['sun'] }),
    [
      ['2026-03-28T23:59:00Z', 'Europe/Amsterdam', false, '00:59 CET'],
      ['2026-03-29T00:00:00Z', 'Europe/Amsterdam', true, '01:00 CET'],
      ['2026-03-29T00:59:59Z', 'Europe/Amsterdam', true, '01:59:59 CET'],
      ['2026-03-29T01:00:00Z', 'Europe/Amsterdam', false, '03:00 CEST, 02:xx never happened'],
      ['2026-03-29T01:30:00Z', 'Europe/Amsterdam', false, '03:30 CEST'],
    ],
  );
  // 2026-10-25 (Sunday): 03:00 CEST → 02:00 CET at 01:00 UTC; 02:00–02:59 happens twice.
  table(
    'Europe/Amsterdam fall back, window 01:00–03:00 Sunday: three real hours long',
    aWindow({ start: '01:00', end: '03:00', days: ['sun'] }),
    [
      ['2026-10-24T22:59:00Z', 'Europe/Amsterdam', false, '00:59 CEST'],
      ['2026-10-24T23:00:00Z', 'Europe/Amsterdam', true, '01:00 CEST'],
      ['2026-10-25T00:30:00Z', 'Europe/Amsterdam', true, 'the first 02:30 (CEST)'],
      ['2026-10-25T01:00:00Z', 'Europe/Amsterdam', true, 'the second 02:00 (CET)'],
      ['2026-10-25T01:59:00Z', 'Europe/Amsterdam', true, 'the second 02:59 (CET)'],
      ['2026-10-25T02:00:00Z', 'Europe/Amsterdam', false, '03:00 CET'],
    ],
  );
  table(
    'Europe/Amsterdam office hours: the same UTC instant on either side of the change',
    aWindow(),
    [
      ['2026-03-23T07:30:00Z', 'Europe/Amsterdam', false, 'Monday 08:30 CET, a week before'],
      ['2026-03-30T07:30:00Z', 'Europe/Amsterdam', true, 'Monday 09:30 CEST, the day after'],
      ['2026-10-26T15:30:00Z', 'Europe/Amsterdam', true, 'Monday 16:30 CET'],
      ['2026-10-19T15:30:00Z', 'Europe/Amsterdam', false, 'Monday 17:30 CEST'],
    ],
  );
  // 2026-03-08 (Sunday): New York's clocks go 02:00 EST → 03:00 EDT at 07:00 UTC.
  table(
    'America/New_York spring forward, window 01:00–03:00 Sunday',
    aWindow({ start: '01:00', end: '03:00', days: ['sun'] }),
    [
      ['2026-03-08T05:59:00Z', 'America/New_York', false, '00:59 EST'],
      ['2026-03-08T06:00:00Z', 'America/New_York', true, '01:00 EST'],
      ['2026-03-08T06:59:00Z', 'America/New_York', true, '01:59 EST'],
      ['2026-03-08T07:00:00Z', 'America/New_York', false, '03:00 EDT'],
    ],
  );
  table(
    'America/New_York spring forward, a window inside the skipped hour (02:00–03:00) never opens',
    aWindow({ start: '02:00', end: '03:00', days: ['sun'] }),
    [
      ['2026-03-08T06:59:59Z', 'America/New_York', false, '01:59:59 EST'],
      ['2026-03-08T07:00:00Z', 'America/New_York', false, '03:00 EDT'],
    ],
  );
  // 2026-11-01 (Sunday): 02:00 EDT → 01:00 EST at 06:00 UTC; 01:00–01:59 happens twice.
  table(
    'America/New_York fall back, window 01:00–02:00 Sunday: open both times the hour happens',
    aWindow({ start: '01:00', end: '02:00', days: ['sun'] }),
    [
      ['2026-11-01T04:59:00Z', 'America/New_York', false, '00:59 EDT'],
      ['2026-11-01T05:00:00Z', 'America/New_York', true, 'the first 01:00 (EDT)'],
      ['2026-11-01T05:59:00Z', 'America/New_York', true, 'the first 01:59 (EDT)'],
      ['2026-11-01T06:00:00Z', 'America/New_York', true, 'the second 01:00 (EST)'],
      ['2026-11-01T06:59:00Z', 'America/New_York', true, 'the second 01:59 (EST)'],
      ['2026-11-01T07:00:00Z', 'America/New_York', false, '02:00 EST'],
    ],
  );
  table(
    'a night window across New York’s spring-forward night, 22:00–06:00 opening on Saturday',
    aWindow({ start: '22:00', end: '06:00', days: ['sat'] }),
    [
      ['2026-03-08T02:59:00Z', 'America/New_York', false, 'Saturday 21:59 EST'],
      ['2026-03-08T03:00:00Z', 'America/New_York', true, 'Saturday 22:00 EST'],
      ['2026-03-08T09:59:00Z', 'America/New_York', true, 'Sunday 05:59 EDT'],
      ['2026-03-08T10:00:00Z', 'America/New_York', false, 'Sunday 06:00 EDT'],
    ],
  );

  it('reads the local wall clock on both sides of each change', () => {
    expect(localTimeOf(new Date('2026-03-29T00:59:00Z'), 'Europe/Amsterdam')).toEqual({
      weekday: 'sun',
      minuteOfDay: 1 * 60 + 59,
    });
    expect(localTimeOf(new Date('2026-03-29T01:00:00Z'), 'Europe/Amsterdam')).toEqual({
      weekday: 'sun',
      minuteOfDay: 3 * 60,
    });
    expect(localTimeOf(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toEqual({
      weekday: 'sun',
      minuteOfDay: 1 * 60 + 30,
    });
    expect(localTimeOf(new Date('2026-03-02T00:00:00Z'), 'UTC')).toEqual({
      weekday: 'mon',
      minuteOfDay: 0,
    });
  });
});

describe('who the window holds', () => {
  const night = '2026-03-02T03:00:00Z'; // Monday 03:00 UTC, outside 09:00–17:00
  const cases: ReadonlyArray<
    readonly [string, WriteWindow | null | undefined, string, string | undefined, boolean]
  > = [
    ['no window at all', null, 'member', undefined, true],
    ['an undefined window', undefined, 'member', undefined, true],
    ['a listed role', aWindow(), 'member', undefined, false],
    ['a role not listed', aWindow(), 'owner', undefined, true],
    ['a custom role id not listed', aWindow(), 'role-id-1', undefined, true],
    ['a listed custom role id', aWindow({ roles: ['role-id-1'] }), 'role-id-1', undefined, false],
    ['a window listing no roles', aWindow({ roles: [] }), 'member', undefined, true],
    ['a critical task, exempt by default', aWindow(), 'member', 'critical', true],
    ['a high task, not exempt by default', aWindow(), 'member', 'high', false],
    [
      'an explicitly exempt priority',
      aWindow({ exemptPriorities: ['high'] }),
      'member',
      'high',
      true,
    ],
    [
      'critical when the list replaces the default',
      aWindow({ exemptPriorities: ['high'] }),
      'member',
      'critical',
      false,
    ],
    [
      'critical when nothing is exempt',
      aWindow({ exemptPriorities: [] }),
      'member',
      'critical',
      false,
    ],
    ['a write on no task (no priority)', aWindow(), 'member', undefined, false],
  ];
  it.each(cases)('%s → %s', (_name, window, role, priority, expected) => {
    expect(isWriteAllowed(window, { role, timezone: 'UTC', priority, now: new Date(night) })).toBe(
      expected,
    );
  });
});

describe('assertWriteAllowed', () => {
  it('throws OUTSIDE_WORKING_HOURS, which the API answers with 403', () => {
    const attempt = {
      role: 'member',
      timezone: 'Europe/Amsterdam',
      now: new Date('2026-03-07T12:00:00Z'),
    };
    let thrown: unknown;
    try {
      assertWriteAllowed(aWindow(), attempt);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OutsideWorkingHoursError);
    expect((thrown as OutsideWorkingHoursError).code).toBe('OUTSIDE_WORKING_HOURS');
    expect((thrown as Error).message).toBe(
      'Writes are allowed 09:00–17:00 on mon, tue, wed, thu, fri in your timezone (Europe/Amsterdam)',
    );
    const mapped = mapError(thrown);
    expect(mapped.status).toBe(403);
    expect(mapped.body.code).toBe('OUTSIDE_WORKING_HOURS');
  });

  it('returns quietly inside the window, without a window, and for exempt writes', () => {
    const monday = new Date('2026-03-02T10:00:00Z');
    const sunday = new Date('2026-03-08T10:00:00Z');
    expect(() =>
      assertWriteAllowed(aWindow(), { role: 'member', timezone: 'UTC', now: monday }),
    ).not.toThrow();
    expect(() =>
      assertWriteAllowed(null, { role: 'member', timezone: 'UTC', now: sunday }),
    ).not.toThrow();
    expect(() =>
      assertWriteAllowed(aWindow(), {
        role: 'member',
        timezone: 'UTC',
        priority: 'critical',
        now: sunday,
      }),
    ).not.toThrow();
  });

  it('refuses an unknown timezone with a validation error, not a crash', () => {
    expect(() => allowed(aWindow(), '2026-03-02T10:00:00Z', 'Mars/Olympus_Mons')).toThrow(
      ValidationError,
    );
  });
});

describe('assertValidWriteWindow', () => {
  const invalid: ReadonlyArray<readonly [string, Partial<WriteWindow>, string]> = [
    ['an hour past 23', { start: '24:00' }, 'write_window.start'],
    ['a single-digit hour', { start: '9:00' }, 'write_window.start'],
    ['minutes past 59', { end: '17:60' }, 'write_window.end'],
    ['seconds', { end: '17:00:00' }, 'write_window.end'],
    ['no days', { days: [] }, 'write_window.days'],
    ['an unknown day', { days: ['mon', 'funday' as 'mon'] }, 'write_window.days'],
    ['a repeated day', { days: ['mon', 'mon'] }, 'write_window.days'],
    ['an empty role name', { roles: ['member', ' '] }, 'write_window.roles'],
    ['no roles', { roles: [] }, 'write_window.roles'],
    ['a repeated role', { roles: ['member', 'member'] }, 'write_window.roles'],
    ['an unknown priority', { exemptPriorities: ['urgent'] }, 'write_window.exempt_priorities'],
  ];
  it.each(invalid)('refuses %s', (_name, fields, field) => {
    let thrown: unknown;
    try {
      assertValidWriteWindow(aWindow(fields));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).details[0]?.field).toBe(field);
  });

  it.each([
    ['office hours', aWindow()],
    ['a night window', aWindow({ start: '22:00', end: '06:00', days: ['fri', 'sat'] })],
    ['a whole-day window', aWindow({ start: '00:00', end: '00:00' })],
    ['explicit exempt priorities', aWindow({ exemptPriorities: ['high', 'critical'] })],
    ['no exempt priorities', aWindow({ exemptPriorities: [] })],
  ])('accepts %s', (_name, window) => {
    expect(() => assertValidWriteWindow(window)).not.toThrow();
  });
});

describe('parseWriteWindow', () => {
  const input = { start: '09:00', end: '17:00', days: ['mon', 'fri'], roles: ['member'] };

  it('defaults the exempt priorities to critical, keeps explicit ones (an empty list too), trims roles', () => {
    expect(parseWriteWindow({ ...input, roles: [' member ', 'viewer'] })).toEqual({
      ...input,
      roles: ['member', 'viewer'],
      exemptPriorities: ['critical'],
    });
    expect(
      parseWriteWindow({ ...input, exemptPriorities: ['low', 'high'] }).exemptPriorities,
    ).toEqual(['low', 'high']);
    expect(parseWriteWindow({ ...input, exemptPriorities: [] }).exemptPriorities).toEqual([]);
  });

  it.each([
    ['a bad start', { start: '7am' }, 'write_window.start'],
    ['a bad end', { end: '25:00' }, 'write_window.end'],
    ['no days', { days: [] }, 'write_window.days'],
    ['an unknown day', { days: ['monday'] }, 'write_window.days'],
    ['no roles', { roles: [] }, 'write_window.roles'],
    ['a role repeated once trimmed', { roles: ['member', ' member'] }, 'write_window.roles'],
    ['an unknown priority', { exemptPriorities: ['blocker'] }, 'write_window.exempt_priorities'],
    ['a repeated priority', { exemptPriorities: ['low', 'low'] }, 'write_window.exempt_priorities'],
  ])('refuses %s, naming the field', (_name, fields, field) => {
    let thrown: unknown;
    try {
      parseWriteWindow({ ...input, ...fields });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).details).toEqual([{ field, message: expect.any(String) }]);
  });

  it('names fields under another prefix when asked', () => {
    expect(() => parseWriteWindow({ ...input, days: [] }, 'settings.write_window')).toThrow(
      expect.objectContaining({
        details: [expect.objectContaining({ field: 'settings.write_window.days' })],
      }),
    );
  });
});
