// Builders for tests of pure domain objects: plain values, no database, no clock but the one given.
import { expect } from 'vitest';
import { permissionsOf, type Grant } from '../../../src/domain/access/authorize.js';
import type { Permission } from '../../../src/domain/access/permissions.js';
import type { OneTimeToken } from '../../../src/domain/identity/one-time-token.js';
import {
  PHONE_CODE_TTL_MS,
  type PhoneVerification,
} from '../../../src/domain/identity/phone-verification.js';
import { SESSION_TTL_MS, type Session } from '../../../src/domain/identity/session.js';
import type { User } from '../../../src/domain/identity/user.js';
import { ValidationError } from '../../../src/domain/shared/errors.js';
import type { WriteWindow } from '../../../src/domain/tasks/write-window.js';

/** The instant the domain builders count from unless told otherwise. */
export const NOW = new Date('2026-03-01T12:00:00.000Z');

/** `offsetMs` from `NOW`. */
export const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

/** The details of the ValidationError `rule` throws; fails the test when it throws none. */
export function issueOf(rule: () => unknown) {
  try {
    rule();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details;
  }
  throw new Error('expected a ValidationError');
}

/** A grant of `role` with exactly `permissions`. */
export function grantOf(
  role: string,
  permissions: Iterable<Permission>,
  actorId = 'actor-1',
): Grant {
  return { actorId, role, permissions: permissionsOf(permissions) };
}

/** A session opened a minute before `NOW`, alive for the whole TTL. */
export function aSession(fields: Partial<Session> = {}): Session {
  return {
    id: 's-1',
    userId: 'u-1',
    deviceId: null,
    userAgent: null,
    ip: null,
    createdAt: at(-60_000),
    lastUsedAt: at(-60_000),
    expiresAt: at(SESSION_TTL_MS),
    revokedAt: null,
    ...fields,
  };
}

/** An unused email-verification token that expires a minute after `NOW`. */
export function aToken(fields: Partial<OneTimeToken> = {}): OneTimeToken {
  return {
    id: 't-1',
    userId: 'u-1',
    purpose: 'verify_email',
    expiresAt: at(60_000),
    usedAt: null,
    ...fields,
  };
}

/** A verified user made a day before `NOW`, with no phone number. */
export function aUser(fields: Partial<User> = {}): User {
  return {
    id: 'u-1',
    email: 'ada@example.com',
    name: 'Ada',
    timezone: 'UTC',
    emailVerifiedAt: at(-86_400_000),
    phoneNumber: null,
    phoneVerifiedAt: null,
    version: 1,
    createdAt: at(-86_400_000),
    updatedAt: at(-86_400_000),
    ...fields,
  };
}

/** A phone code sent at `NOW`, not tried yet. */
export function aPhoneVerification(fields: Partial<PhoneVerification> = {}): PhoneVerification {
  return {
    id: 'pv-1',
    userId: 'u-1',
    phoneNumber: '+31612345678',
    codeHash: 'hash',
    attempts: 0,
    createdAt: NOW,
    expiresAt: at(PHONE_CODE_TTL_MS),
    ...fields,
  };
}

export const WEEKDAYS_ONLY = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

/** Office hours for members: 09:00–17:00, Monday to Friday. */
export function aWindow(fields: Partial<WriteWindow> = {}): WriteWindow {
  return { start: '09:00', end: '17:00', days: WEEKDAYS_ONLY, roles: ['member'], ...fields };
}
