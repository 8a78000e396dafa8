// A lean WebSocket client for the subscribers of bench/realtime.ts: the RFC 6455 handshake
// (Sec-WebSocket-Accept checked), unmasked server frames read straight off the TCP chunks, text
// frames handed on as Buffers (views, not copies), pings answered, close answered. It shares the
// two cores with the server it measures: ws's client spends a stream write, an event and a
// Buffer per frame, a third of a core at 100,000 frames a second; this reads the same bytes for
// a fraction of that. Fragmented messages are refused (the server never fragments).
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_TEXT = 0x1;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export interface FrameSocket {
  /** Each text frame's payload, a view into the chunk read (copy it to keep it). */
  onText: (payload: Buffer) => void;
  /** Sends a text frame. */
  send(text: string): void;
  /** Sends a close frame and ends the connection; resolves once it is closed. */
  close(): Promise<void>;
  /** Cuts the connection. */
  terminate(): void;
}

/** Opens a WebSocket to `url` (ws://) offering `protocols`; resolves once the server accepted. */
export function openFrameSocket(url: string, protocols: readonly string[]): Promise<FrameSocket> {
  const key = randomBytes(16).toString('base64');
  const expected = createHash('sha1')
    .update(key + ACCEPT_GUID)
    .digest('base64');
  return new Promise((resolve, reject) => {
    const request = http.request(url.replace(/^ws/, 'http'), {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': key,
        'sec-websocket-version': '13',
        'sec-websocket-protocol': protocols.join(', '),
      },
    });
    request.once('response', (reply) => {
      reject(new Error(`upgrade refused: ${reply.statusCode}`));
      reply.resume();
    });
    request.once('error', reject);
    request.once('upgrade', (reply, socket: Socket, head: Buffer) => {
      if (reply.headers['sec-websocket-accept'] !== expected) {
        socket.destroy();
        reject(new Error('bad Sec-WebSocket-Accept'));
        return;
      }
      resolve(frameSocket(socket, head));
    });
    request.end();
  });
}

function frameSocket(socket: Socket, head: Buffer): FrameSocket {
  socket.setNoDelay(true);
  let pending: Buffer | undefined = head.length > 0 ? head : undefined;
  let closed: Promise<void> | undefined;
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));

  const write = (opcode: number, payload: Buffer) => {
    if (socket.destroyed) return;
    // Client frames are masked (RFC 6455 5.3); up to 64 KiB (the bench's messages are short).
    if (payload.length > 0xffff) throw new Error('frame too long for this client');
    const extended = payload.length > 125 ? 2 : 0;
    const mask = randomBytes(4);
    const frame = Buffer.allocUnsafe(6 + extended + payload.length);
    frame[0] = 0x80 | opcode;
    frame[1] = 0x80 | (extended ? 126 : payload.length);
    if (extended) frame.writeUInt16BE(payload.length, 2);
    mask.copy(frame, 2 + extended);
    const start = 6 + extended;
    for (let i = 0; i < payload.length; i += 1) frame[start + i] = payload[i]! ^ mask[i % 4]!;
    socket.write(frame);
  };

  const handle: FrameSocket = {
    onText: () => undefined,
    send: (text) => write(OP_TEXT, Buffer.from(text)),
    close() {
      closed ??= (() => {
        write(OP_CLOSE, Buffer.from([0x03, 0xe8])); // 1000
        socket.end();
        return ended;
      })();
      return closed;
    },
    terminate: () => socket.destroy(),
  };

  /** Reads the whole frames of `chunk`; keeps a partial one for the next. */
  const read = (chunk: Buffer) => {
    let buffer = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
    pending = undefined;
    let at = 0;
    while (buffer.length - at >= 2) {
      const first = buffer[at]!;
      const second = buffer[at + 1]!;
      if ((second & 0x80) !== 0) throw new Error('the server masked a frame');
      let length = second & 0x7f;
      let start = at + 2;
      if (length === 126) {
        if (buffer.length - at < 4) break;
        length = buffer.readUInt16BE(at + 2);
        start = at + 4;
      } else if (length === 127) {
        if (buffer.length - at < 10) break;
        length = Number(buffer.readBigUInt64BE(at + 2));
        start = at + 10;
      }
      if (buffer.length < start + length) break;
      const payload = buffer.subarray(start, start + length);
      at = start + length;
      const opcode = first & 0x0f;
      if ((first & 0x80) === 0 || opcode === 0) throw new Error('fragmented message');
      if (opcode === OP_TEXT) handle.onText(payload);
      else if (opcode === OP_PING) write(OP_PONG, Buffer.from(payload));
      else if (opcode === OP_CLOSE) void handle.close();
      else if (opcode !== OP_PONG) throw new Error(`unexpected opcode ${opcode}`);
    }
    if (at < buffer.length) {
      buffer = buffer.subarray(at);
      pending = Buffer.from(buffer);
    }
  };
  socket.on('data', read);
  socket.on('error', () => socket.destroy());
  if (pending !== undefined) {
    const first = pending;
    pending = undefined;
    setImmediate(() => read(first));
  }
  return handle;
}
