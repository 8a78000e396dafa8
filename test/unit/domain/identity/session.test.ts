// Session rules: when a session still counts, and which ones make room for a new one.
import { describe, expect, it } from 'vitest';
import { aSession, at, NOW } from '../../../support/builders/domain.js';
import {
  isSessionActive,
  sessionsToEvict,
  SESSION_TTL_MS,
} from '../../../../src/domain/identity/session.js';

describe('SESSION_TTL_MS', () => {
  it('is 30 days', () => {
    expect(SESSION_TTL_MS).toBe(30 * 24 * 60 * 60 * 1000);
  });
});

describe('isSessionActive', () => {
  it.each([
    ['open and expiring later', aSession(), true],
    ['open and expiring 1 ms from now', aSession({ expiresAt: at(1) }), true],
    ['open and expiring exactly now', aSession({ expiresAt: at(0) }), false],
    ['open and expired', aSession({ expiresAt: at(-1) }), false],
    ['revoked before it would expire', aSession({ revokedAt: at(-1000) }), false],
    ['revoked and expired', aSession({ revokedAt: at(-1000), expiresAt: at(-1) }), false],
  ])('a session %s: active = %s', (_label, session, active) => {
    expect(isSessionActive(session, NOW)).toBe(active);
  });
});

describe('sessionsToEvict (at most 3 per user)', () => {
  // Created one minute apart: s-1 is the oldest. Given shuffled, as a query might return them.
  const sessions = [1, 2, 3, 4, 5].map((n) =>
    aSession({ id: `s-${n}`, createdAt: at(n * 60_000) }),
  );
  const shuffled = (count: number) => [...sessions.slice(0, count)].reverse();

  it.each([
    [0, []],
    [1, []],
    [2, []],
    [3, ['s-1']],
    [4, ['s-1', 's-2']],
    [5, ['s-1', 's-2', 's-3']],
  ])('with %i active sessions, ends %j before opening one more', (count, evicted) => {
    expect(sessionsToEvict(shuffled(count), 3).map((s) => s.id)).toEqual(evicted);
  });

  it('breaks a tie in creation time by id', () => {
    const createdAt = at(0);
    const tied = [
      aSession({ id: 'b', createdAt }),
      aSession({ id: 'c', createdAt }),
      aSession({ id: 'a', createdAt }),
    ];
    expect(sessionsToEvict(tied, 3).map((s) => s.id)).toEqual(['a']);
    expect(sessionsToEvict(tied, 2).map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('leaves the list it was given in its order', () => {
    const given = shuffled(5);
    const before = given.map((s) => s.id);
    sessionsToEvict(given, 3);
    expect(given.map((s) => s.id)).toEqual(before);
  });

  it('ends every session when the limit is 1 and one more is opened', () => {
    expect(sessionsToEvict(shuffled(2), 1).map((s) => s.id)).toEqual(['s-1', 's-2']);
  });
});
