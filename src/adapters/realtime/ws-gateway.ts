// GET /api/v1/realtime as a WebSocket (the `ws` package, on the HTTP server's 'upgrade' event):
// the per-address rate limit, the handshake's checks and the credential read from
// `Sec-WebSocket-Protocol: bearer, <token>`, all before the handshake (handshake.ts writes the
// refusals); then frames to the hub's requests and the hub's messages to frames, with heartbeats,
// a bounded send buffer, the credential's expiry and a graceful close. The token is never logged.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { SocketCredential } from '../../application/events/realtime-credential.js';
import type { RealtimeHub } from '../../application/events/realtime-hub.js';
import type { RealtimeMessage } from '../../application/events/realtime-messages.js';
import type { Clock, Logger, RateLimiter } from '../../application/shared/ports.js';
import { CLOSE_CODES } from '../../domain/events/realtime.js';
import type { Principal } from '../../domain/identity/principal.js';
import { DomainError } from '../../domain/shared/errors.js';
import { requestIdFrom } from '../shared/request-id.js';
import {
  BEARER_PROTOCOL,
  handshakeProblem,
  offeredToken,
  rateLimited,
  unauthenticated,
  unavailable,
  writeRefusal,
  type Refusal,
} from './handshake.js';
import { frameOf, isProblem, parseClientMessage } from './messages.js';

export const REALTIME_PATH = '/api/v1/realtime';
/** A client frame over this is refused by ws (close 1009): requests are small. */
const MAX_FRAME_BYTES = 16 * 1024;
/** How long a closing socket may take to answer the close before it is cut. */
const CLOSE_WAIT_MS = 5_000;

/** Counts for the metrics; the telemetry adapter implements it. */
export interface RealtimeObserver {
  connected(): void;
  disconnected(code: number): void;
  sent(type: string): void;
}

/** The HTTP API's per-address limit, which counts every upgrade attempt too. */
export interface UpgradeRateLimit {
  readonly limiter: RateLimiter;
  /** The limiter's key of the client that sent the upgrade (its address, as the app keys it). */
  readonly keyOf: (request: IncomingMessage) => string;
  readonly onThrottled?: () => void;
}

export interface GatewaySettings {
  readonly hub: RealtimeHub;
  readonly authenticate: (token: string) => Promise<SocketCredential>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly observer: RealtimeObserver;
  /** Pings every this many ms; a socket that has not answered the previous ping is cut. */
  readonly heartbeatMs: number;
  /** Bytes a socket may have queued and unsent; a send over it closes the socket (4008). */
  readonly maxBufferBytes: number;
  /** Absent when the per-address limit is off. */
  readonly rateLimit?: UpgradeRateLimit | undefined;
}

export interface WebSocketGateway {
  /** The server's 'upgrade' listener: true when it took the request (the realtime path). */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** One heartbeat round (the interval calls it; tests too). */
  heartbeat(): void;
  /** Closes every socket with 1001 and waits (bounded) for them to go; refuses new ones. */
  close(): Promise<void>;
}

export { BEARER_PROTOCOL, offeredToken };

export function webSocketGateway(settings: GatewaySettings): WebSocketGateway {
  const { hub, logger, observer } = settings;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    // The token is the second protocol offered: only `bearer` is ever answered.
    handleProtocols: (protocols) => (protocols.has(BEARER_PROTOCOL) ? BEARER_PROTOCOL : false),
  });
  const alive = new WeakMap<WebSocket, boolean>();
  let stopping = false;

  /** The request id of each upgrade being accepted, for the 101's X-Request-Id. */
  const requestIds = new WeakMap<IncomingMessage, string>();
  wss.on('headers', (headers, request) => {
    const requestId = requestIds.get(request);
    if (requestId !== undefined) headers.push(`X-Request-Id: ${requestId}`);
  });
  // What the checks above let through and ws still refuses (a Sec-WebSocket-Protocol that is no
  // list of tokens, bad extensions) gets the envelope too, not ws's bare text.
  wss.on('wsClientError', (error, socket, request) => {
    const refusal: Refusal = { status: 400, code: 'BAD_REQUEST', message: error.message };
    writeRefusal(socket, refusal, requestIds.get(request) ?? requestIdFrom(undefined));
  });

  const logLine = (
    request: IncomingMessage,
    status: number,
    started: bigint,
    requestId: string,
    principal?: Principal,
  ) => ({
    method: request.method,
    request_id: requestId,
    route: REALTIME_PATH,
    status,
    duration_ms: Number(process.hrtime.bigint() - started) / 1e6,
    ...(principal?.kind === 'user' && { user_id: principal.userId }),
    ...(principal?.kind === 'apikey' && { api_key_id: principal.keyId }),
  });

  /** The per-address limit's refusal, if the client is over it; a failing limiter lets it by. */
  async function overLimit(request: IncomingMessage): Promise<Refusal | undefined> {
    const limit = settings.rateLimit;
    if (limit === undefined) return undefined;
    try {
      const decision = await limit.limiter.consume(limit.keyOf(request));
      if (decision.allowed) return undefined;
      limit.onThrottled?.();
      return rateLimited(decision);
    } catch (error) {
      // The Redis limiter already falls back to memory; anything left fails open, as in the app.
      logger.warn({ err: error, scope: 'address' }, 'rate limiter failed; upgrade let through');
      return undefined;
    }
  }

  /** Why the upgrade is refused, or its credential. */
  async function admit(request: IncomingMessage): Promise<Refusal | SocketCredential> {
    if (stopping) return unavailable('The server is stopping');
    const refusal = (await overLimit(request)) ?? handshakeProblem(request);
    if (refusal !== undefined) return refusal;
    const token = offeredToken(request);
    if (token === undefined) {
      return unauthenticated('Send the token as Sec-WebSocket-Protocol: bearer, <token>');
    }
    try {
      return await settings.authenticate(token);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'UNAUTHENTICATED') {
        return unauthenticated(error.message);
      }
      logger.error({ err: error, route: REALTIME_PATH }, 'realtime authentication failed');
      return unavailable('Could not check the credential; try again');
    }
  }

  async function accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(request.headers['x-request-id'] as string | undefined);
    socket.on('error', () => socket.destroy());
    const refuse = (refusal: Refusal) => {
      writeRefusal(socket, refusal, requestId);
      logger.info(logLine(request, refusal.status, started, requestId), 'request');
    };
    const credential = await admit(request);
    if ('status' in credential) return refuse(credential);
    if (stopping || socket.destroyed) return refuse(unavailable('The server is stopping'));
    requestIds.set(request, requestId);
    wss.handleUpgrade(request, socket, head, (ws) => {
      logger.info(logLine(request, 101, started, requestId, credential.principal), 'request');
      opened(ws, socket, credential);
    });
  }

  function opened(ws: WebSocket, socket: Duplex, credential: SocketCredential): void {
    observer.connected();
    // The frames of one turn of the event loop (a batch of events from the bus) leave in one
    // write: the socket is corked at the first and uncorked once the turn's work is done.
    let corked = false;
    const uncork = () => {
      corked = false;
      socket.uncork();
    };
    alive.set(ws, true);
    const close = (code: number, reason: string) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.close(code, reason);
      // Nothing more is sent: the hub forgets the socket now, not when the client answers.
      connected.closed();
      // A client that does not read may never answer the close: cut it after a while.
      setTimeout(() => ws.terminate(), CLOSE_WAIT_MS).unref();
    };
    const send = (message: RealtimeMessage | { readonly type: 'pong' }) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const frame = frameOf(message);
      if (ws.bufferedAmount + frame.length > settings.maxBufferBytes) {
        close(CLOSE_CODES.slowConsumer, 'Slow consumer: reconnect and resume');
        return;
      }
      if (!corked) {
        corked = true;
        socket.cork();
        process.nextTick(uncork);
      }
      // The frame is whole (frameOf): written as it is, where ws.send would frame it again per
      // socket. ws writes its own frames (ping, pong, close) to the same socket, in order.
      socket.write(frame);
      observer.sent(message.type);
    };
    const connected = hub.connect({ send, close }, credential.principal, credential.expiresAt);
    // The expiry is checked at the moment it falls due, not only at the next periodic tick.
    const expiry =
      credential.expiresAt &&
      setTimeout(
        () => hub.tick(),
        Math.min(
          2 ** 31 - 1,
          Math.max(0, credential.expiresAt.getTime() - settings.clock.now().getTime()),
        ),
      );
    expiry?.unref();
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const parsed = isBinary
        ? ({ code: 'BAD_REQUEST', message: 'Messages are JSON text frames' } as const)
        : parseClientMessage(rawText(data));
      if (isProblem(parsed)) send({ type: 'error', ...parsed });
      else if (parsed.type === 'ping') send({ type: 'pong' });
      else void connected.handle(parsed);
    });
    ws.on('error', (error) => logger.debug({ err: error }, 'realtime socket error'));
    ws.once('close', (code: number) => {
      if (expiry) clearTimeout(expiry);
      connected.closed();
      observer.disconnected(code);
    });
  }

  function heartbeat(): void {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }
  const beat = setInterval(() => {
    heartbeat();
    hub.tick();
    hub.checkSessions().catch((error: unknown) => {
      logger.warn({ err: error }, 'realtime session check failed; next heartbeat retries');
    });
  }, settings.heartbeatMs);
  beat.unref();

  return {
    upgrade(request, socket, head) {
      const path = (request.url ?? '').split('?')[0];
      if (path !== REALTIME_PATH || request.headers.upgrade?.toLowerCase() !== 'websocket') {
        return false;
      }
      void accept(request, socket, head);
      return true;
    },
    heartbeat,
    async close() {
      stopping = true;
      clearInterval(beat);
      const open = [...wss.clients];
      hub.closeAll(CLOSE_CODES.goingAway, 'Server stopping: reconnect and resume');
      await Promise.all(open.map((ws) => closedWithin(ws, CLOSE_WAIT_MS)));
      hub.stop();
      wss.close();
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** Resolves once `ws` has closed; cuts it if it has not after `ms`. */
function closedWithin(ws: WebSocket, ms: number): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), ms);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
