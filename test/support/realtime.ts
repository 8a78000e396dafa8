// Realtime sockets for tests: a real `ws` client on the test server, every message it received
// kept in order, and waits on conditions (never on time). Plus a recorder of what the app's
// dispatcher publishes, to publish it again (the dispatcher delivers at least once).
import { pino } from 'pino';
import WebSocket from 'ws';
import { logMailer } from '../../src/adapters/mail/log-mailer.js';
import type { PositionedEvent } from '../../src/application/events/ports.js';
import type { Clock } from '../../src/application/shared/ports.js';
import { compose, type Application } from '../../src/bootstrap/compose.js';
import type { TestApp } from './app.js';
import { CHEAP_ARGON2_PARAMS } from './argon2.js';
import { waitFor } from './async.js';
import { testRedisUrl } from './env.js';

export interface ServerMessage {
  readonly type: string;
  readonly [field: string]: any;
}

export interface TestSocket {
  readonly ws: WebSocket;
  /** Every message received, oldest first. */
  readonly messages: ServerMessage[];
  /** The ids of the `event` messages received, in order. */
  eventIds(): string[];
  send(message: unknown): void;
  /** The first message (from `from` on) that `match` accepts, once it has arrived. */
  next(match: (message: ServerMessage) => boolean, from?: number): Promise<ServerMessage>;
  /** The close code and reason, once the socket has closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export const realtimeUrl = (baseUrl: string) => `${baseUrl.replace(/^http/, 'ws')}/api/v1/realtime`;

/** Opens a socket with `bearer, <token>`; rejects if the upgrade is refused. */
export function openSocket(
  baseUrl: string,
  token: string,
  options: WebSocket.ClientOptions = {},
): Promise<TestSocket> {
  const ws = new WebSocket(realtimeUrl(baseUrl), ['bearer', token], options);
  const messages: ServerMessage[] = [];
  ws.on('message', (data: WebSocket.RawData) => {
    messages.push(JSON.parse(Buffer.from(data as Buffer).toString('utf8')) as ServerMessage);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: String(reason) })),
  );
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => {
      const socket: TestSocket = {
        ws,
        messages,
        eventIds: () => messages.filter((m) => m.type === 'event').map((m) => m.id as string),
        send: (message) => ws.send(JSON.stringify(message)),
        async next(match, from = 0) {
          let found: ServerMessage | undefined;
          await waitFor(() => (found = messages.slice(from).find(match)) !== undefined, 30_000);
          return found!;
        },
        closed,
        async close() {
          if (ws.readyState !== WebSocket.CLOSED) ws.close();
          await closed;
        },
      };
      resolve(socket);
    });
  });
}

/** Subscribes and waits for the `subscribed` (or `error`) answer. */
export async function subscribe(
  socket: TestSocket,
  request: Record<string, unknown>,
): Promise<ServerMessage> {
  const from = socket.messages.length;
  socket.send({ type: 'subscribe', ...request });
  return socket.next((m) => m.type === 'subscribed' || m.type === 'error', from);
}

/** The answer to an upgrade the server refuses: its status and parsed envelope. */
export function refusedUpgrade(
  baseUrl: string,
  protocols: string[],
): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  const ws = new WebSocket(realtimeUrl(baseUrl), protocols);
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('error', () => undefined);
    ws.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
      });
    });
  });
}

/**
 * What the app's dispatcher publishes on its bus, heard and kept in order, so that a test can
 * publish it again at a moment of its choosing: the repeat a dispatcher that crashed before
 * moving its cursor makes (delivery is at least once).
 */
export function busRecorder(t: TestApp) {
  // By event id, in the order first heard: the recorder hears its own repeats too.
  const heard = new Map<string, PositionedEvent>();
  const stop = t.app.events.bus.subscribe((batch) => {
    for (const positioned of batch) {
      if (!heard.has(positioned.event.id)) heard.set(positioned.event.id, positioned);
    }
  });
  return {
    heard: (): readonly PositionedEvent[] => [...heard.values()],
    /** Publishes everything heard so far once more, as one batch. */
    repeat: () => t.app.events.bus.publish([...heard.values()]),
    stop,
  };
}

/** A second API process, as far as realtime goes: its hub and its address. */
export interface TwinInstance {
  readonly app: Application;
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * With Redis, a second API instance on `a`'s database and Redis prefix (the same signing key and
 * `clock`; not dispatching), so that what reaches its sockets came through Redis pub/sub. Without
 * Redis a process's bus is its own (one replica only, as README says): `a` itself.
 */
export async function twinInstance(a: TestApp, clock?: Clock): Promise<TwinInstance> {
  if (!testRedisUrl) return { app: a.app, baseUrl: a.baseUrl, close: () => Promise.resolve() };
  const app = await compose(
    { ...a.app.config, WORKER_MODE: 'off' },
    {
      database: a.database.handle,
      logger: pino({ level: 'silent' }),
      mailer: logMailer({ info: () => undefined }),
      argon2: CHEAP_ARGON2_PARAMS,
      ...(clock && { clock }),
    },
  );
  const baseUrl = `http://127.0.0.1:${await app.start()}`;
  await waitFor(() => app.events.bus.status() === 'up', 10_000);
  return { app, baseUrl, close: () => app.stop() };
}
