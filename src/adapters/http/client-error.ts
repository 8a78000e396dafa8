// Answers Node's own refusals in the envelope: a request its parser rejects (bad method, bad
// header, headers too large, timed out) never reaches Koa, and Node's default answer is a bare
// status line. CONNECT (and an Upgrade nobody serves) would otherwise just close the connection.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../application/shared/ports.js';
import { writeRawEnvelope } from '../shared/raw-envelope.js';
import { STATUS_OF, type ErrorCode } from './errors.js';

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

function writeEnvelope(socket: Duplex, code: ErrorCode, message: string, extra = {}): void {
  writeRawEnvelope(socket, STATUS_OF[code], { code, message }, extra);
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
    writeEnvelope(socket, 'METHOD_NOT_ALLOWED', 'CONNECT is not supported', {
      Allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    });
  };
}
