// The response headers of the API, described once: the OpenAPI document lists them under
// components.headers, and a route's ResponseSpec (route.ts) names the ones its answer carries.
// openapi.ts adds the generic ones (request id, rate limits, Retry-After…) to every response of
// the routes they apply to; docs/api.md says what each means.
import { API_PREFIX } from './locations.js';

export interface HeaderDefinition {
  readonly description: string;
  /** The JSON Schema of the value (a header's text; integers as digits). */
  readonly schema: Readonly<Record<string, unknown>>;
  /** Sent on every answer that documents it. */
  readonly required?: boolean;
  readonly example?: string | number;
}

const seconds = { type: 'integer', minimum: 0 } as const;

export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description:
      'The request id: the X-Request-Id the client sent when it matches [A-Za-z0-9._:-]{1,128}, ' +
      'else `req_<uuid>`; also `meta.request_id` and every log line of the request',
    schema: { type: 'string', maxLength: 128 },
    required: true,
    example: 'req_0b6f6a3e-5d43-4f4b-9a8e-2f3b1f4b8c1d',
  },
  'X-Process-Time': {
    description: 'Seconds the server spent on the request, six decimals',
    schema: { type: 'string', pattern: '^\\d+\\.\\d{6}$' },
    example: '0.004215',
  },
  ETag: {
    description:
      'The version of the resource, quoted (`"<version>"`): send it back in `If-Match` to ' +
      'change or delete it only if nobody changed it since. On every answer that carries a ' +
      'versioned resource (a built-in role has none). On a file download: the hex SHA-256 of ' +
      'its bytes, quoted',
    schema: { type: 'string', pattern: '^"(\\d+|[0-9a-f]{64})"$' },
    example: '"3"',
  },
  Location: {
    description: 'The URL (path) of the resource just created',
    schema: { type: 'string', pattern: `^${API_PREFIX}/` },
    required: true,
    example: `${API_PREFIX}/organizations/0193a5b2-7c1e-7d4e-9f00-1a2b3c4d5e6f/projects/0193a5b2-7c1e-7d4e-9f00-aabbccddeeff`,
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { ...seconds, minimum: 1 },
    example: 5,
  },
  'RateLimit-Limit': {
    description:
      'Requests allowed per window by the limit nearest exhaustion (per client address, or per ' +
      'user or API key); absent when the limits are off',
    schema: seconds,
    example: 1200,
  },
  'RateLimit-Remaining': {
    description: 'Requests left in the current window of that limit',
    schema: seconds,
    example: 1187,
  },
  'RateLimit-Reset': {
    description: 'Seconds until that limit’s window resets',
    schema: seconds,
    example: 42,
  },
  'Idempotent-Replayed': {
    description:
      '`true` when this is the kept answer of an earlier request with the same Idempotency-Key ' +
      '(status, body, ETag and Location as they were)',
    schema: { type: 'string', const: 'true' },
    example: 'true',
  },
  'WWW-Authenticate': {
    description: 'How to authenticate: `Bearer realm="teamflow"`',
    schema: { type: 'string' },
    required: true,
    example: 'Bearer realm="teamflow"',
  },
  'Cache-Control': {
    description: 'How long the answer may be cached (`no-store`: never)',
    schema: { type: 'string' },
    required: true,
    example: 'no-store',
  },
  Upgrade: {
    description: 'The protocol to switch to: `websocket`',
    schema: { type: 'string', const: 'websocket' },
    required: true,
    example: 'websocket',
  },
  'Sec-WebSocket-Version': {
    description: 'The WebSocket version the server speaks (RFC 6455): `13`',
    schema: { type: 'string', const: '13' },
    example: '13',
  },
  'Content-Disposition': {
    description:
      'A download is always an attachment, never shown inline (RFC 6266): ' +
      '`attachment; filename="<ASCII fallback>"; filename*=UTF-8\'\'<the name, percent-encoded>`',
    schema: { type: 'string', pattern: '^attachment; filename="' },
    required: true,
    example: 'attachment; filename="report.pdf"; filename*=UTF-8\'\'report.pdf',
  },
  'Set-Cookie': {
    description:
      'The refresh token as the `tf_refresh` cookie (HttpOnly, Secure, SameSite=Strict, ' +
      'Path=/api/v1/auth); `Max-Age=0` clears it',
    schema: { type: 'string', pattern: '^tf_refresh=' },
    required: true,
  },
} as const satisfies Record<string, HeaderDefinition>;

export type ResponseHeader = keyof typeof RESPONSE_HEADERS;
