// Emailed single-use tokens: how long each purpose lives, and when one can still be redeemed.
import { describe, expect, it } from 'vitest';
import { aToken, at, NOW } from '../../../support/builders/domain.js';
import {
  isOneTimeTokenUsable,
  ONE_TIME_TOKEN_TTL_MS,
} from '../../../../src/domain/identity/one-time-token.js';

describe('ONE_TIME_TOKEN_TTL_MS', () => {
  it.each([
    ['verify_email', 24 * 60 * 60 * 1000],
    ['reset_password', 60 * 60 * 1000],
  ] as const)('a %s token lives %i ms', (purpose, ttl) => {
    expect(ONE_TIME_TOKEN_TTL_MS[purpose]).toBe(ttl);
  });
});

describe('isOneTimeTokenUsable', () => {
  it.each([
    ['unused and expiring later', aToken(), true],
    ['unused and expiring 1 ms from now', aToken({ expiresAt: at(1) }), true],
    ['unused and expiring exactly now', aToken({ expiresAt: at(0) }), false],
    ['unused and expired', aToken({ expiresAt: at(-1) }), false],
    ['already used', aToken({ usedAt: at(-1000) }), false],
    ['used and expired', aToken({ usedAt: at(-1000), expiresAt: at(-1) }), false],
  ])('a token %s: usable = %s', (_label, token, usable) => {
    expect(isOneTimeTokenUsable(token, NOW)).toBe(usable);
  });
});
