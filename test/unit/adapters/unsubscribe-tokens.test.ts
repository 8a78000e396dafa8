// Unsubscribe tokens: what one names comes back only from a token signed with the same secret,
// untouched; anything else (another secret, a changed payload or signature, junk) names nothing.
import { describe, expect, it } from 'vitest';
import { hmacUnsubscribeTokens } from '../../../src/adapters/security/hmac-unsubscribe-tokens.js';
import type { Unsubscription } from '../../../src/application/notifications/ports.js';

const SECRET = 'unit-test-unsubscribe-secret-0123456789abcdef';
const tokens = hmacUnsubscribeTokens(SECRET);
const subscription: Unsubscription = {
  userId: '0190b3c1-7c5e-7a4b-8f00-0123456789ab',
  organizationId: '0190b3c1-7c5e-7a4b-8f00-ba9876543210',
  kind: 'mentioned',
  channel: 'email',
};

describe('hmacUnsubscribeTokens', () => {
  it('reads back what it signed, as a URL-safe token', () => {
    const token = tokens.sign(subscription);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(tokens.verify(token)).toEqual(subscription);
    expect(
      tokens.verify(tokens.sign({ ...subscription, kind: 'assigned', channel: 'sms' })),
    ).toEqual({ ...subscription, kind: 'assigned', channel: 'sms' });
  });

  it('names nothing for a token of another secret, or one changed anywhere', () => {
    const token = tokens.sign(subscription);
    const [payload, signature] = token.split('.') as [string, string];
    const other = hmacUnsubscribeTokens(`${SECRET}-rotated`).sign(subscription);
    const forged = Buffer.from(
      `${subscription.userId}.${subscription.organizationId}.assigned.email`,
    ).toString('base64url');
    for (const bad of [
      other,
      `${forged}.${signature}`,
      `${payload}.${signature.slice(0, -1)}`,
      `${payload}.${signature}A`,
      `${payload}A.${signature}`,
      `${payload}.${signature}.extra`,
      payload,
      '',
      '.',
    ]) {
      expect(tokens.verify(bad), bad).toBeUndefined();
    }
  });

  it('names nothing for a signed payload that is not a subscription', () => {
    for (const odd of [
      { ...subscription, kind: 'everything' },
      { ...subscription, channel: 'in_app' },
      { ...subscription, userId: 'not-a-uuid' },
    ]) {
      expect(tokens.verify(tokens.sign(odd as Unsubscription))).toBeUndefined();
    }
  });
});
