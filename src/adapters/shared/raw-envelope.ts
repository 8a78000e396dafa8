// An error envelope written straight on a socket, for answers given before (or instead of) the
// HTTP app: Node's own refusals and a refused WebSocket upgrade.
import type { Duplex } from 'node:stream';
import { requestIdFrom } from './request-id.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};

/**
 * Writes one envelope answer (`code` is the envelope's error code) and closes the socket.
 * `requestId`: the answer's, when a request was read (else a new one).
 */
export function writeRawEnvelope(
  socket: Duplex,
  status: number,
  error: { readonly code: string; readonly message: string },
  extraHeaders: Readonly<Record<string, string>> = {},
  requestId = requestIdFrom(undefined),
): void {
  const body = JSON.stringify({
    success: false,
    error,
    meta: { timestamp: new Date().toISOString(), request_id: requestId },
  });
  const headers = Object.entries(extraHeaders)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\n` +
      headers +
      'Connection: close\r\n\r\n' +
      body,
  );
}
