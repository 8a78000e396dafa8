// Answers Node's own refusals in the envelope: a request its parser rejects (bad method, bad
// header, headers too large, timed out) never reaches Koa, and Node's default answer is a bare
// status line. CONNECT (and an Upgrade nobody serves) would otherwise just close the connection.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../application/shared/ports.js';
import { STATUS_OF, type ErrorCode } from './errors.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

/** Node's error codes for what the client sent, as the envelope's codes. */
function codeOf(error: NodeJS.ErrnoException): { code: ErrorCode; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { code: 'HEADERS_TOO_LARGE', message: 'Request headers are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { code: 'REQUEST_TIMEOUT', message: 'The request took too long to arrive' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { code: 'PAYLOAD_TOO_LARGE', message: 'Chunk extensions are too large' };
    case 'HPE_INVALID_METHOD':
      // Also what a line that is no request at all gets; there is no path to list methods for.
      return { code: 'BAD_REQUEST', message: 'Malformed HTTP request: unknown method' };
    case undefined:
    default:
      return { code: 'BAD_REQUEST', message: 'Malformed HTTP request' };
  }
}

/** Writes one envelope answer on the socket and closes it. */
function writeEnvelope(socket: Duplex, code: ErrorCode, message: string, extraHeaders = ''): void {
  const status = STATUS_OF[code];
  const requestId = `req_${randomUUID()}`;
  const body = JSON.stringify({
    success: false,
    error: { code, message },
    meta: { timestamp: new Date().toISOString(), request_id: requestId },
  });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\n` +
      extraHeaders +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** The server's 'clientError' listener. */
export function answerClientError(logger: Logger) {
  return (error: NodeJS.ErrnoException, socket: Duplex): void => {
    // A reset connection has nobody to answer; an answer already under way cannot be replaced.
    const inProgress = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
      socket.destroy();
      return;
    }
    const { code, message } = codeOf(error);
    logger.debug({ err_code: error.code, code }, 'client error');
    writeEnvelope(socket, code, message);
  };
}

/** The server's 'connect' listener: this API is no proxy. */
export function refuseConnect() {
  return (_request: IncomingMessage, socket: Duplex): void => {
    writeEnvelope(
      socket,
      'METHOD_NOT_ALLOWED',
      'CONNECT is not supported',
      'Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n',
    );
  };
}
