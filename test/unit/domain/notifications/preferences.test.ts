// Channels and quiet hours: the member's choice, else the organization's default, else the
// built-in one; email and SMS held until quiet hours end (in the zone given), in-app never held.
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_CHANNELS,
  deliveryPlan,
  quietHours,
  quietHoursEnd,
} from '../../../../src/domain/notifications/preferences.js';
import { ValidationError } from '../../../../src/domain/shared/errors.js';

const at = (iso: string) => new Date(iso);
const night = { start: '22:00', end: '07:00', timeZone: 'Europe/Amsterdam' };

describe('deliveryPlan', () => {
  it('takes the member’s channels, else the organization’s, else the built-in ones', () => {
    const now = at('2026-06-01T12:00:00Z');
    expect(deliveryPlan('assigned', {}, now).channels).toEqual(BUILT_IN_CHANNELS.assigned);
    expect(deliveryPlan('assigned', { organization: { assigned: ['sms'] } }, now)).toEqual({
      channels: ['sms'],
      deliverAfter: now,
    });
    const levels = {
      member: { assigned: ['in_app' as const] },
      organization: { assigned: ['sms' as const] },
    };
    expect(deliveryPlan('assigned', levels, now)).toEqual({
      channels: ['in_app'],
      deliverAfter: null,
    });
    expect(deliveryPlan('mentioned', { member: { mentioned: [] } }, now).channels).toEqual([]);
  });

  it('holds email until quiet hours end, in the zone of the quiet hours', () => {
    // 23:30 in Amsterdam (summer time, UTC+2) is 21:30 UTC; 07:00 there is 05:00 UTC.
    const plan = deliveryPlan('assigned', { quietHours: night }, at('2026-06-01T21:30:15Z'));
    expect(plan).toEqual({
      channels: ['in_app', 'email'],
      deliverAfter: at('2026-06-02T05:00:00Z'),
    });
    const day = at('2026-06-02T10:00:00Z');
    expect(deliveryPlan('assigned', { quietHours: night }, day).deliverAfter).toEqual(day);
  });
});

describe('quietHoursEnd', () => {
  it('is null outside the window, the window’s end inside it, across midnight or not', () => {
    expect(quietHoursEnd(night, at('2026-06-01T19:59:00Z'))).toBeNull();
    expect(quietHoursEnd(night, at('2026-06-01T20:00:00Z'))).toEqual(at('2026-06-02T05:00:00Z'));
    expect(quietHoursEnd(night, at('2026-06-02T04:59:00Z'))).toEqual(at('2026-06-02T05:00:00Z'));
    expect(quietHoursEnd(night, at('2026-06-02T05:00:00Z'))).toBeNull();
    const lunch = { start: '12:00', end: '13:00', timeZone: 'UTC' };
    expect(quietHoursEnd(lunch, at('2026-06-02T12:30:00Z'))).toEqual(at('2026-06-02T13:00:00Z'));
    expect(quietHoursEnd(lunch, at('2026-06-02T13:30:00Z'))).toBeNull();
  });
});

describe('quietHours', () => {
  it('takes HH:MM times that differ and an IANA zone, in the runtime’s spelling', () => {
    expect(quietHours({ ...night, timeZone: 'europe/amsterdam' })).toEqual(night);
  });

  it.each([
    [{ ...night, start: '24:00' }, 'quiet_hours.start'],
    [{ ...night, end: '7:00' }, 'quiet_hours.end'],
    [{ ...night, end: '22:00' }, 'quiet_hours.end'],
    [{ ...night, timeZone: 'Mars/Olympus' }, 'quiet_hours.time_zone'],
    [{ ...night, timeZone: '+02:00' }, 'quiet_hours.time_zone'],
  ])('refuses %o on %s', (raw, field) => {
    try {
      quietHours(raw);
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details.map((d) => d.field)).toEqual([field]);
    }
  });
});
