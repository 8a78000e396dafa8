// The realtime WebSocket's wiring: the hub over the event bus, the `ws` gateway that the HTTP
// server hands its upgrades to, and their metrics. compose.ts calls it; http-server.ts closes it
// (1001 to every socket) after the grace period, before the database closes.
import type { Deps } from '../application/deps.js';
import type { EventBus } from '../application/events/ports.js';
import { authenticateSocket } from '../application/events/realtime-credential.js';
import { realtimeHub, type RealtimeHub } from '../application/events/realtime-hub.js';
import type { Logger } from '../application/shared/ports.js';
import {
  webSocketGateway,
  type UpgradeRateLimit,
  type WebSocketGateway,
} from '../adapters/realtime/ws-gateway.js';
import type { Metrics } from '../adapters/telemetry/metrics.js';
import { realtimeMetrics } from '../adapters/telemetry/realtime-metrics.js';
import type { Config } from './config.js';

export interface Realtime {
  readonly hub: RealtimeHub;
  /** The HTTP server's UpgradeHandler. */
  readonly gateway: WebSocketGateway;
}

export function composeRealtime(parts: {
  readonly config: Config;
  readonly deps: Deps;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The HTTP API's per-address limit, which counts upgrades too; absent when it is off. */
  readonly rateLimit: UpgradeRateLimit | undefined;
}): Realtime {
  const { config, deps, bus } = parts;
  const logger = parts.logger.child({ component: 'realtime' });
  const hub = realtimeHub(deps, bus, {
    maxSubscriptions: config.REALTIME_MAX_SUBSCRIPTIONS,
    replayPageSize: config.REALTIME_REPLAY_PAGE_SIZE,
    logger,
  });
  const gateway = webSocketGateway({
    hub,
    authenticate: (token) => authenticateSocket(deps, token),
    clock: deps.clock,
    logger,
    observer: realtimeMetrics(parts.metrics.registry),
    heartbeatMs: config.REALTIME_HEARTBEAT_SECONDS * 1000,
    maxBufferBytes: config.REALTIME_MAX_BUFFER_BYTES,
    rateLimit: parts.rateLimit,
  });
  return { hub, gateway };
}
