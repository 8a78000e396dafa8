// The user rules: how emails compare, which passwords are long enough, which time zones exist.
import { describe, expect, it } from 'vitest';
import {
  assertAcceptablePassword,
  assertKnownTimezone,
  canonicalTimezone,
  isEmailVerified,
  isKnownTimezone,
  normalizeEmail,
} from '../../../../src/domain/identity/user.js';
import { ValidationError } from '../../../../src/domain/shared/errors.js';
import { aUser } from '../../../support/builders/domain.js';

describe('normalizeEmail', () => {
  it.each([
    ['ada@example.com', 'ada@example.com'],
    ['Ada@Example.COM', 'ada@example.com'],
    ['  grace@example.com  ', 'grace@example.com'],
    ['\tLINUS@Example.org\n', 'linus@example.org'],
  ])('turns %j into %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe('assertAcceptablePassword', () => {
  // '🔑' is one code point but two UTF-16 units; 'é' one code point but two UTF-8 bytes.
  it.each([
    ['7 ASCII characters', 'a'.repeat(7), false],
    ['8 ASCII characters', 'a'.repeat(8), true],
    ['128 ASCII characters', 'a'.repeat(128), true],
    ['129 ASCII characters', 'a'.repeat(129), false],
    ['7 emoji (14 UTF-16 units)', '🔑'.repeat(7), false],
    ['8 emoji', '🔑'.repeat(8), true],
    ['128 emoji (256 UTF-16 units)', '🔑'.repeat(128), true],
    ['129 emoji', '🔑'.repeat(129), false],
    ['7 accented letters', 'é'.repeat(7), false],
    ['8 accented letters', 'é'.repeat(8), true],
    ['128 code points mixing scripts', 'aé🔑中'.repeat(32), true],
    ['an empty string', '', false],
  ])('%s: accepted = %s', (_label, password, accepted) => {
    if (accepted) expect(() => assertAcceptablePassword(password)).not.toThrow();
    else expect(() => assertAcceptablePassword(password)).toThrow(ValidationError);
  });

  it('names the field and the bound it missed', () => {
    expect(() => assertAcceptablePassword('short')).toThrow(
      expect.objectContaining({
        details: [{ field: 'password', message: 'Must be at least 8 characters' }],
      }),
    );
    expect(() => assertAcceptablePassword('a'.repeat(129), 'new_password')).toThrow(
      expect.objectContaining({
        details: [{ field: 'new_password', message: 'Must be at most 128 characters' }],
      }),
    );
  });

  it('asks for no particular mix of characters', () => {
    expect(() => assertAcceptablePassword('aaaaaaaa')).not.toThrow();
    expect(() => assertAcceptablePassword('        ')).not.toThrow();
  });
});

describe('canonicalTimezone', () => {
  it.each([
    ['europe/amsterdam', 'Europe/Amsterdam'],
    ['Europe/Amsterdam', 'Europe/Amsterdam'],
    ['UTC', 'UTC'],
  ])('spells %j as %j', (zone, canonical) => {
    expect(canonicalTimezone(zone)).toBe(canonical);
  });

  it.each(['Mars/Olympus', '+01:00', '-05', '\u221201:00'])(
    'refuses %j with a field error',
    (zone) => {
      expect(() => canonicalTimezone(zone, 'tz')).toThrow(
        expect.objectContaining({ details: [{ field: 'tz', message: 'Unknown IANA time zone' }] }),
      );
    },
  );
});

describe('isKnownTimezone', () => {
  it.each([
    ['UTC', true],
    ['Europe/Amsterdam', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Asia/Kolkata', true],
    ['Etc/GMT+5', true],
    ['Mars/Olympus', false],
    ['Europe/Atlantis', false],
    // A UTC offset, which Node 24's Intl takes as a time zone: no IANA name.
    ['+01:00', false],
    ['-05', false],
    ['+0130', false],
    ['not a zone', false],
    ['', false],
  ])('%j → %s', (zone, known) => {
    expect(isKnownTimezone(zone)).toBe(known);
  });
});

describe('assertKnownTimezone', () => {
  it('accepts an IANA zone', () => {
    expect(() => assertKnownTimezone('Europe/Amsterdam')).not.toThrow();
  });

  it('rejects an unknown zone as a validation error on the timezone field', () => {
    expect(() => assertKnownTimezone('Mars/Olympus')).toThrow(
      expect.objectContaining({
        details: [{ field: 'timezone', message: 'Unknown IANA time zone' }],
      }),
    );
  });
});

describe('isEmailVerified', () => {
  it('is true once the address has been confirmed, false before', () => {
    expect(isEmailVerified(aUser({ emailVerifiedAt: new Date('2026-01-02T00:00:00Z') }))).toBe(
      true,
    );
    expect(isEmailVerified(aUser({ emailVerifiedAt: null }))).toBe(false);
  });
});
