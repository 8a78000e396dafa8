// Unsubscribe tokens: `<payload>.<signature>`, both base64url; the payload is the user, the
// organization, the kind and the channel joined by dots, the signature its HMAC-SHA256 under the
// server's secret (UNSUBSCRIBE_SECRET), compared in constant time. No expiry: a link in an old
// mail must still work (RFC 8058); changing the secret voids every link sent before.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type {
  OutsideChannel,
  Unsubscription,
  UnsubscribeTokens,
} from '../../application/notifications/ports.js';
import {
  NOTIFICATION_KINDS,
  type NotificationKind,
} from '../../domain/notifications/recipients.js';

/** Keeps a signature for this use from ever being valid for another use of the same secret. */
const PURPOSE = 'teamflow.unsubscribe.v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CHANNELS: readonly string[] = ['email', 'sms'] satisfies OutsideChannel[];

export function hmacUnsubscribeTokens(secret: string): UnsubscribeTokens {
  const mac = (payload: string) =>
    createHmac('sha256', secret).update(`${PURPOSE}.${payload}`).digest();

  return {
    sign({ userId, organizationId, kind, channel }) {
      const payload = Buffer.from(`${userId}.${organizationId}.${kind}.${channel}`).toString(
        'base64url',
      );
      return `${payload}.${mac(payload).toString('base64url')}`;
    },

    verify(token) {
      const [payload, signature, ...rest] = token.split('.');
      if (payload === undefined || signature === undefined || rest.length > 0) return undefined;
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      return parse(Buffer.from(payload, 'base64url').toString('utf8'));
    },
  };
}

/** The signed payload's fields, checked again (a secret shared with an older format). */
function parse(payload: string): Unsubscription | undefined {
  const [userId, organizationId, kind, channel, ...rest] = payload.split('.');
  if (rest.length > 0 || userId === undefined || organizationId === undefined) return undefined;
  if (!UUID.test(userId) || !UUID.test(organizationId)) return undefined;
  if (!(NOTIFICATION_KINDS as readonly string[]).includes(kind ?? '')) return undefined;
  if (!CHANNELS.includes(channel ?? '')) return undefined;
  return {
    userId,
    organizationId,
    kind: kind as NotificationKind,
    channel: channel as OutsideChannel,
  };
}
