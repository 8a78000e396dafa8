// Raw HTTP/1.1 over a socket, for requests no HTTP client will send (bad bytes, odd methods,
// header floods) and answers no client would parse (Node's own refusals). Each answer is checked
// against the OpenAPI document (contract.ts) but in the tests listed in UNCHECKED_RAW_TESTS.
import net from 'node:net';
import { checkAgainstContract, isUncheckedRawTest } from './contract.js';

export interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Sends `request` as it is and reads the answer until the server closes the connection. */
export function rawExchange(baseUrl: string, request: string | Buffer): Promise<RawReply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close while a long request is still being written: the answer is what counts.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      try {
        const { reply, body } = parseReply(Buffer.concat(chunks));
        if (!isUncheckedRawTest()) {
          const [method = '', target = ''] = requestLineOf(request).split(' ');
          checkAgainstContract({
            method,
            target,
            status: reply.status,
            headers: reply.headers,
            body,
          });
        }
        resolve(reply);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

function requestLineOf(request: string | Buffer): string {
  const text = typeof request === 'string' ? request : request.toString('latin1');
  return text.slice(0, text.indexOf('\r\n'));
}

/** The answer, and its body as the bytes on the wire (still compressed, if it was). */
function parseReply(bytes: Buffer): { reply: RawReply; body: Buffer } {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no HTTP answer: ${JSON.stringify(bytes.toString('latin1'))}`);
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not a status line: ${statusLine}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = bytes.subarray(end + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') body = unchunk(body);
  else if (headers['content-length'] !== undefined) {
    body = body.subarray(0, Number(headers['content-length']));
  }
  return { reply: { status, headers, body: body.toString('utf8') }, body };
}

function unchunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
