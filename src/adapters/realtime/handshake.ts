// The upgrade's checks before any WebSocket exists, and its refusals: answered in the API's
// error envelope (docs/api.md, "Errors") with the request id, as every other answer is, where
// `ws` would write a bare text status.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RateLimitDecision } from '../../application/shared/ports.js';
import { writeRawEnvelope } from '../shared/raw-envelope.js';

/** The subprotocol the client offers first, with its token second; the server answers with it. */
export const BEARER_PROTOCOL = 'bearer';

/** RFC 6455 §4.1: the client's nonce is 16 bytes in base64 (24 characters). */
const KEY_PATTERN = /^[+/0-9A-Za-z]{22}==$/;
/** The version of RFC 6455, the one this server speaks. */
const WEBSOCKET_VERSION = '13';

/** An upgrade refused before the handshake: its status, the envelope's error and headers. */
export interface Refusal {
  readonly status: number;
  /** One of docs/api.md's error codes (the HTTP adapter's ErrorCode, a folder apart). */
  readonly code: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The token of `Sec-WebSocket-Protocol: bearer, <token>`, or of `Authorization: Bearer`. */
export function offeredToken(request: IncomingMessage): string | undefined {
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (offered.length === 2 && offered[0] === BEARER_PROTOCOL && offered[1]) return offered[1];
  const header = /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(request.headers.authorization ?? '');
  return header?.[1];
}

/**
 * What is wrong with the upgrade request as a WebSocket opening handshake (RFC 6455 §4.2.1), or
 * undefined. Node hands the gateway only requests with `Connection: Upgrade` and
 * `Upgrade: websocket`; the app answers the others (426).
 */
export function handshakeProblem(request: IncomingMessage): Refusal | undefined {
  if (request.method !== 'GET') {
    const message = 'The realtime path takes GET (a WebSocket opening handshake) only';
    return { status: 405, code: 'METHOD_NOT_ALLOWED', message, headers: { Allow: 'GET' } };
  }
  if (!KEY_PATTERN.test(request.headers['sec-websocket-key'] ?? '')) {
    const message = 'Sec-WebSocket-Key must be a 16-byte nonce in base64';
    return { status: 400, code: 'BAD_REQUEST', message };
  }
  if (request.headers['sec-websocket-version'] !== WEBSOCKET_VERSION) {
    return {
      status: 426,
      code: 'UPGRADE_REQUIRED',
      message: `This server speaks WebSocket version ${WEBSOCKET_VERSION} (RFC 6455)`,
      headers: { Upgrade: 'websocket', 'Sec-WebSocket-Version': WEBSOCKET_VERSION },
    };
  }
  return undefined;
}

/** The refusal of an upgrade without a credential, or with one that does not authenticate. */
export const unauthenticated = (message: string): Refusal => ({
  status: 401,
  code: 'UNAUTHENTICATED',
  message,
  headers: { 'WWW-Authenticate': 'Bearer realm="teamflow"' },
});

export const unavailable = (message: string): Refusal => ({
  status: 503,
  code: 'SERVICE_UNAVAILABLE',
  message,
  headers: { 'Retry-After': '1' },
});

/** The refusal of an upgrade over the per-address rate limit, with the limit's headers. */
export const rateLimited = (decision: RateLimitDecision): Refusal => ({
  status: 429,
  code: 'RATE_LIMITED',
  message: 'Too many requests; retry later',
  headers: {
    'Retry-After': String(Math.max(1, Math.ceil(decision.resetSeconds))),
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(Math.max(0, decision.remaining)),
    'RateLimit-Reset': String(decision.resetSeconds),
  },
});

/** Writes the refusal (and ends the connection). */
export function writeRefusal(socket: Duplex, refusal: Refusal, requestId: string): void {
  const { status, code, message, headers } = refusal;
  writeRawEnvelope(socket, status, { code, message }, headers, requestId);
}
