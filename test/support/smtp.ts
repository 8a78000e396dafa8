// SMTP for tests, on loopback: a sink (a real smtp-server that keeps what it receives) and a gate
// in front of it whose behaviour the test sets — hold each connection without a word (a server that
// hangs), refuse connections (nothing listens), or pass them through to the sink.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMessage {
  readonly to: string;
  readonly subject: string;
  readonly messageId: string;
  /** The whole message as received (headers and MIME body). */
  readonly raw: string;
}

export interface SmtpSink {
  readonly port: number;
  /** Everything delivered so far, oldest first. */
  readonly messages: ReceivedMessage[];
  close(): Promise<void>;
}

export async function startSmtpSink(onMessage?: (m: ReceivedMessage) => void): Promise<SmtpSink> {
  const messages: ReceivedMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const message = parseHeaders(Buffer.concat(chunks).toString('utf8'));
        messages.push(message);
        onMessage?.(message);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parseHeaders(raw: string): ReceivedMessage {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const header = (name: string) =>
    new RegExp(`^${name}: *(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  return { to: header('To'), subject: header('Subject'), messageId: header('Message-ID'), raw };
}

export type GateMode = 'hold' | 'pass';

export interface SmtpGate {
  readonly port: number;
  /** Connections held unanswered right now. */
  held(): number;
  /** Hold every new connection without a word (the connection stays open, nothing is said). */
  hold(): void;
  /** Pass every connection, the held ones first, through to the sink. */
  pass(): void;
  /** Stop listening: connections are refused until `listen` (same port). */
  refuse(): Promise<void>;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpGate(
  sinkPort: number,
  onHeld?: () => void,
  mode: GateMode = 'pass',
): Promise<SmtpGate> {
  const waiting: Socket[] = [];
  const open = new Set<Socket>();
  const through = (socket: Socket) => {
    const upstream = connect(sinkPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  };
  const server: Server = createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    if (mode === 'pass') return through(socket);
    waiting.push(socket);
    onHeld?.();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    held: () => waiting.filter((s) => !s.destroyed).length,
    hold() {
      mode = 'hold';
    },
    pass() {
      mode = 'pass';
      for (const socket of waiting.splice(0)) if (!socket.destroyed) through(socket);
    },
    async refuse() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    listen: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    async close() {
      for (const socket of open) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
