// The realtime WebSocket's metrics: sockets open, messages sent by type, closes by code.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface RealtimeMetrics {
  connected(): void;
  disconnected(code: number): void;
  sent(type: string): void;
}

export function realtimeMetrics(registry: Registry): RealtimeMetrics {
  const registers = [registry];
  const connections = new Gauge({
    name: 'websocket_connections',
    help: 'Realtime WebSocket connections open on this process',
    registers,
  });
  // Counted for every message to every socket: tallied in a map and handed to the counter when
  // it is scraped (as cache reads are), so a send costs a map update, not prom-client's labels.
  const sentTally = new Map<string, number>();
  new Counter({
    name: 'websocket_messages_sent_total',
    help: 'Realtime messages sent to sockets, by message type (event, subscribed, error, …)',
    labelNames: ['type'] as const,
    registers,
    collect() {
      for (const [type, count] of sentTally) {
        if (count > 0) this.inc({ type }, count);
        sentTally.set(type, 0);
      }
    },
  });
  const closes = new Counter({
    name: 'websocket_closes_total',
    help: 'Realtime sockets closed, by close code (1001 stopping, 1006 cut, 4008 slow, 4401, 4403)',
    labelNames: ['code'] as const,
    registers,
  });
  return {
    connected: () => connections.inc(),
    disconnected(code) {
      connections.dec();
      closes.inc({ code: String(code) });
    },
    sent: (type) => sentTally.set(type, (sentTally.get(type) ?? 0) + 1),
  };
}
