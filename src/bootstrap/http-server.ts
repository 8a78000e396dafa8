// The HTTP server's lifecycle: it tracks the responses in progress so that a graceful stop can
// turn readiness off, let them finish (bounded), and then close the adapters in order. With an
// admin listener (ADMIN_PORT) there are two servers in the process, stopped together.
import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger as PinoLogger } from 'pino';
import { answerClientError, refuseConnect } from '../adapters/http/client-error.js';

/** Something to close once the server has stopped, named for the log if closing it fails. */
export interface Closer {
  readonly name: string;
  readonly close: () => Promise<unknown>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Takes over the connections that ask to upgrade (the realtime WebSocket) on the API's listener. */
export interface UpgradeHandler {
  /** True when it took the request; the others are answered by the app like any request. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Ends the upgraded connections (close code 1001) once the grace period is over. */
  close(): Promise<void>;
}

export interface HttpServerOptions {
  /** The admin listener's app (ADMIN_PORT); absent: one listener. */
  readonly admin?: Handler | undefined;
  readonly logger: PinoLogger;
  /** How long readiness answers 503 before the server stops accepting connections. */
  readonly graceMs: number;
  /** How long in-flight requests may take before their connections are cut. */
  readonly timeoutMs: number;
  /** Closed in this order after the server; read when the stop begins. */
  readonly closers: readonly Closer[];
  /** The timer of the grace period (a test holds it to look inside the drain). */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Upgrades on the API's listener; without it an Upgrade header is ignored. */
  readonly upgrades?: UpgradeHandler | undefined;
}

/** The ports to listen on, or the ports bound (0 → a free one). */
export interface Ports {
  readonly port: number;
  /** The admin listener's; absent when there is none. */
  readonly adminPort?: number | undefined;
}

export interface HttpServer {
  readonly server: Server;
  /** The admin listener's server, when there is one. */
  readonly adminServer: Server | undefined;
  /** Listens, the API's port first (a probe of the admin port finds the API listening). */
  listen(ports: Ports, host: string): Promise<Ports>;
  /** Idempotent: a second call (a second signal, a test's teardown) waits for the same stop. */
  stop(): Promise<void>;
  isDraining(): boolean;
}

/** A server and the responses in progress on it. */
interface Tracked {
  readonly server: Server;
  readonly inFlight: Set<ServerResponse>;
}

/** `handle` answers each request on the API's listener: the HTTP app's callback. */
export function createHttpServer(handle: Handler, options: HttpServerOptions): HttpServer {
  const { logger, graceMs, timeoutMs, closers } = options;
  let draining = false;
  const tracked = (answer: Handler): Tracked => {
    // Responses in progress, so that a drain can close their keep-alive connections after them.
    const inFlight = new Set<ServerResponse>();
    const server = createServer((req, res) => {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
      if (draining) res.setHeader('Connection', 'close');
      void answer(req, res);
    });
    server.keepAliveTimeout = 65_000;
    // Node's own refusals (malformed request, headers too large, CONNECT) in the envelope too.
    server.on('clientError', answerClientError(logger));
    server.on('connect', refuseConnect());
    return { server, inFlight };
  };
  const api = tracked(handle);
  const { upgrades } = options;
  if (upgrades) {
    api.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!upgrades.upgrade(req, socket, head)) answerAsRequest(api.server, req, socket);
    });
  }
  const admin = options.admin && tracked(options.admin);
  const all = admin ? [api, admin] : [api];

  async function drainAndClose(): Promise<void> {
    draining = true;
    logger.info({ timeout_ms: timeoutMs }, 'draining');
    // Every answer from now on ends its connection, so clients reconnect to another instance.
    for (const { inFlight } of all) {
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    // Readiness answers 503 during the grace period, so load balancers stop sending traffic first.
    if (graceMs > 0) await (options.sleep ?? pause)(graceMs);
    // Upgraded connections are the server's until they end: closed first, or the close waits.
    await upgrades
      ?.close()
      .catch((error: unknown) =>
        logger.warn({ err: error, component: 'upgrades' }, 'close failed'),
      );
    await Promise.all(
      all
        .filter(({ server }) => server.listening)
        .map(({ server, inFlight }) => closeServer(server, inFlight, timeoutMs, logger)),
    );
    for (const { name, close } of closers) {
      await close().catch((error: unknown) =>
        logger.warn({ err: error, component: name }, 'close failed'),
      );
    }
    logger.info({}, 'stopped');
  }

  let stopping: Promise<void> | undefined;
  return {
    server: api.server,
    adminServer: admin?.server,
    isDraining: () => draining,
    async listen(ports, host) {
      const port = await listenOn(api.server, ports.port, host);
      if (admin === undefined || ports.adminPort === undefined) return { port };
      return { port, adminPort: await listenOn(admin.server, ports.adminPort, host) };
    },
    stop() {
      stopping ??= drainAndClose();
      return stopping;
    },
  };
}

/**
 * An Upgrade that no handler takes is answered by the app, as it was before an 'upgrade' listener
 * existed (Node then hands every Upgrade to the listener): the connection ends after the answer.
 */
function answerAsRequest(server: Server, req: IncomingMessage, socket: Duplex): void {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  server.emit('request', req, res);
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Stops accepting connections and waits for in-flight requests, then cuts what is left. A
 * keep-alive connection would otherwise stay open after its last answer and hold the close
 * until the timeout, so each one is closed as soon as its answer is out.
 */
function closeServer(
  server: Server,
  inFlight: ReadonlySet<ServerResponse>,
  timeoutMs: number,
  logger: PinoLogger,
): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      logger.warn({ timeout_ms: timeoutMs }, 'drain timed out; closing remaining connections');
      server.closeAllConnections();
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    for (const res of inFlight) {
      res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
    }
    server.closeIdleConnections();
  });
}
