// The digest's schedule, as tables: the instant a local time falls on, and the local date due at
// an instant, across the DST changes of 2026 in Europe (29 Mar, 25 Oct) and the US (8 Mar, 1 Nov),
// a zone without DST, a 30-minute offset and a 30-minute DST shift.
import { describe, expect, it } from 'vitest';
import {
  addDays,
  digestMoment,
  dueDigestDate,
  localDayBounds,
  parseDigest,
} from '../../../../src/domain/organizations/digest.js';
import { ValidationError } from '../../../../src/domain/shared/errors.js';

type MomentRow = readonly [date: string, time: string, zone: string, instant: string, why: string];

describe('the instant a digest time falls on', () => {
  it.each<MomentRow>([
    ['2026-03-28', '18:00', 'Europe/Paris', '2026-03-28T17:00:00Z', 'the day before: CET'],
    ['2026-03-29', '18:00', 'Europe/Paris', '2026-03-29T16:00:00Z', 'the change day: CEST'],
    ['2026-03-29', '02:30', 'Europe/Paris', '2026-03-29T01:00:00Z', 'in the gap: 03:00 CEST'],
    ['2026-03-29', '03:00', 'Europe/Paris', '2026-03-29T01:00:00Z', 'the gap’s end'],
    ['2026-03-29', '01:59', 'Europe/Paris', '2026-03-29T00:59:00Z', 'just before the gap'],
    ['2026-10-24', '18:00', 'Europe/Paris', '2026-10-24T16:00:00Z', 'the day before: CEST'],
    ['2026-10-25', '18:00', 'Europe/Paris', '2026-10-25T17:00:00Z', 'the change day: CET'],
    ['2026-10-25', '02:30', 'Europe/Paris', '2026-10-25T00:30:00Z', 'shown twice: the first'],
    ['2026-03-07', '18:00', 'America/New_York', '2026-03-07T23:00:00Z', 'EST'],
    ['2026-03-08', '18:00', 'America/New_York', '2026-03-08T22:00:00Z', 'EDT'],
    ['2026-03-08', '02:30', 'America/New_York', '2026-03-08T07:00:00Z', 'in the gap: 03:00'],
    ['2026-10-31', '18:00', 'America/New_York', '2026-10-31T22:00:00Z', 'EDT'],
    ['2026-11-01', '18:00', 'America/New_York', '2026-11-01T23:00:00Z', 'EST'],
    ['2026-11-01', '01:30', 'America/New_York', '2026-11-01T05:30:00Z', 'shown twice: EDT'],
    ['2026-03-29', '18:00', 'Asia/Tokyo', '2026-03-29T09:00:00Z', 'no DST'],
    ['2026-10-25', '18:00', 'Asia/Kolkata', '2026-10-25T12:30:00Z', '+05:30'],
    ['2026-10-04', '02:15', 'Australia/Lord_Howe', '2026-10-03T15:30:00Z', '30-minute gap'],
    ['2026-04-05', '01:45', 'Australia/Lord_Howe', '2026-04-04T14:45:00Z', 'shown twice: +11'],
  ])('%s %s in %s → %s (%s)', (date, time, zone, instant) => {
    expect(digestMoment(date, time, zone).toISOString()).toBe(new Date(instant).toISOString());
  });
});

type DueRow = readonly [now: string, time: string, zone: string, due: string, why: string];
const LONG_AGO = new Date('2026-01-01T00:00:00Z');

describe('the local date whose digest is due', () => {
  it.each<DueRow>([
    ['2026-03-29T15:59:59Z', '18:00', 'Europe/Paris', '2026-03-28', '17:59:59 CEST: yesterday'],
    ['2026-03-29T16:00:00Z', '18:00', 'Europe/Paris', '2026-03-29', '18:00 CEST: today'],
    ['2026-03-29T21:59:59Z', '18:00', 'Europe/Paris', '2026-03-29', 'until midnight'],
    ['2026-03-29T22:00:00Z', '18:00', 'Europe/Paris', '2026-03-29', 'next day before 18:00'],
    ['2026-03-29T00:59:59Z', '02:30', 'Europe/Paris', '2026-03-28', 'before the gap'],
    ['2026-03-29T01:00:00Z', '02:30', 'Europe/Paris', '2026-03-29', 'right after the gap'],
    ['2026-10-25T00:29:59Z', '02:30', 'Europe/Paris', '2026-10-24', 'before the first 02:30'],
    ['2026-10-25T00:30:00Z', '02:30', 'Europe/Paris', '2026-10-25', 'the first 02:30'],
    ['2026-10-25T01:30:00Z', '02:30', 'Europe/Paris', '2026-10-25', 'the second: same date'],
    ['2026-10-25T16:59:59Z', '18:00', 'Europe/Paris', '2026-10-24', '17:59:59 CET'],
    ['2026-10-25T17:00:00Z', '18:00', 'Europe/Paris', '2026-10-25', '18:00 CET'],
    ['2026-03-08T21:59:59Z', '18:00', 'America/New_York', '2026-03-07', '17:59:59 EDT'],
    ['2026-03-08T22:00:00Z', '18:00', 'America/New_York', '2026-03-08', '18:00 EDT'],
    ['2026-11-01T22:00:00Z', '18:00', 'America/New_York', '2026-10-31', '17:00 EST'],
    ['2026-11-01T23:00:00Z', '18:00', 'America/New_York', '2026-11-01', '18:00 EST'],
    ['2026-11-01T06:30:00Z', '01:30', 'America/New_York', '2026-11-01', 'second 01:30: same date'],
    ['2026-11-02T03:00:00Z', '18:00', 'America/New_York', '2026-11-01', '22:00 EST, UTC a day on'],
    ['2026-06-01T08:59:59Z', '18:00', 'Asia/Tokyo', '2026-05-31', 'no DST'],
    ['2026-06-01T12:30:00Z', '18:00', 'Asia/Kolkata', '2026-06-01', '+05:30'],
  ])('at %s, %s in %s → %s (%s)', (now, time, zone, due) => {
    const schedule = { localTime: time, timezone: zone, since: LONG_AGO };
    expect(dueDigestDate(schedule, new Date(now))).toBe(due);
  });

  it('is not due for a moment before the schedule began (switched on after today’s time)', () => {
    const schedule = {
      localTime: '18:00',
      timezone: 'Europe/Paris',
      since: new Date('2026-06-01T17:00:00Z'),
    };
    expect(dueDigestDate(schedule, new Date('2026-06-01T17:30:00Z'))).toBeNull();
    expect(dueDigestDate(schedule, new Date('2026-06-02T15:59:59Z'))).toBeNull();
    expect(dueDigestDate(schedule, new Date('2026-06-02T16:00:00Z'))).toBe('2026-06-02');
  });
});

describe('local days', () => {
  it('spans 23 hours on a spring-forward day and 25 on a fall-back day', () => {
    const hours = (date: string) => {
      const { start, end } = localDayBounds(date, 'Europe/Paris');
      return (end.getTime() - start.getTime()) / 3_600_000;
    };
    expect([hours('2026-03-29'), hours('2026-10-25'), hours('2026-06-01')]).toEqual([23, 25, 24]);
  });

  it('moves across months and years', () => {
    expect([addDays('2026-12-31', 1), addDays('2026-03-01', -1)]).toEqual([
      '2027-01-01',
      '2026-02-28',
    ]);
  });
});

describe('the setting', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const recipients = { roles: ['owner'] };

  it('defaults to 18:00 on the organization’s clock', () => {
    const setting = parseDigest({ enabled: true, recipients }, null, now);
    expect(setting).toEqual({
      enabled: true,
      localTime: '18:00',
      timezone: null,
      recipients: { roles: ['owner'], members: [] },
      since: now,
    });
  });

  it('keeps when its schedule began unless the time, zone or switch changes', () => {
    const before = parseDigest({ enabled: true, recipients }, null, now);
    const later = new Date('2026-06-02T12:00:00Z');
    const moreRecipients = { roles: ['owner', 'admin'] };
    expect(parseDigest({ enabled: true, recipients: moreRecipients }, before, later).since).toBe(
      now,
    );
    expect(
      parseDigest({ enabled: true, localTime: '09:00', recipients }, before, later).since,
    ).toBe(later);
    expect(
      parseDigest({ enabled: true, timezone: 'Asia/Tokyo', recipients }, before, later).since,
    ).toBe(later);
  });

  it.each([
    [{ enabled: true, localTime: '24:00', recipients }, 'digest.local_time'],
    [{ enabled: true, localTime: '6pm', recipients }, 'digest.local_time'],
    [{ enabled: true, timezone: 'Mars/Olympus', recipients }, 'digest.timezone'],
    [{ enabled: true, recipients: {} }, 'digest.recipients'],
    [{ enabled: true, recipients: { roles: [' '] } }, 'digest.recipients.roles'],
    [{ enabled: true, recipients: { members: ['ada'] } }, 'digest.recipients.members'],
  ])('refuses %j naming %s', (input, field) => {
    let error: unknown;
    try {
      parseDigest(input, null, now);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details.map((d) => d.field)).toEqual([field]);
  });
});
