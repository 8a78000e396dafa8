// A child process for test/integration/tracing.test.ts: tracing started the way main.ts starts it
// (before the app is imported), spans kept in memory and handed to the parent over IPC.
//
// Run: node --import tsx test/support/traced-server.ts (with an IPC channel). Environment:
// TRACED_DATA_DIR (required), DATABASE_URL (an already migrated database; unset → embedded PGlite),
// REDIS_URL (optional). Pino logs go to stdout as usual. Messages:
//   child → parent  { type: 'ready', port }
//   parent → child  { type: 'spans' }   child → parent  { type: 'spans', spans: TracedSpan[] }
//   parent → child  { type: 'stop' }    the child stops the app, shuts tracing down and exits.
import type { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '../../src/adapters/telemetry/tracing.js';

/** What the parent sees of a finished span. */
export interface TracedSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly traceId: string;
  readonly spanId: string;
  /** null for a root span (IPC carries JSON, which has no undefined). */
  readonly parentSpanId: string | null;
  readonly scope: string;
  readonly attributes: Record<string, unknown>;
}

export type ParentMessage = { type: 'spans' } | { type: 'stop' };
export type ChildMessage = { type: 'ready'; port: number } | { type: 'spans'; spans: TracedSpan[] };

function toTracedSpan(span: ReadableSpan): TracedSpan {
  const { traceId, spanId } = span.spanContext();
  return {
    name: span.name,
    kind: span.kind,
    traceId,
    spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    scope: span.instrumentationScope.name,
    attributes: { ...span.attributes },
  };
}

function send(message: ChildMessage): void {
  if (!process.send) throw new Error('traced-server must be spawned with an IPC channel');
  process.send(message);
}

const dataDir = process.env.TRACED_DATA_DIR;
if (!dataDir) throw new Error('TRACED_DATA_DIR is required');

const exporter = new InMemorySpanExporter();
const tracing = await startTracing({
  endpoint: 'http://127.0.0.1:4318',
  serviceName: 'teamflow-api-test',
  exporter,
});

// Only now may koa, pg and ioredis load.
const { loadConfig } = await import('../../src/bootstrap/config.js');
const { compose } = await import('../../src/bootstrap/compose.js');

const app = await compose(
  loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  }),
);
const port = await app.start();

process.on('message', (message: ParentMessage) => {
  if (message.type === 'spans') {
    send({ type: 'spans', spans: exporter.getFinishedSpans().map(toTracedSpan) });
    return;
  }
  void (async () => {
    await app.stop();
    await tracing.shutdown();
    process.exit(0);
  })();
});
// The parent going away (IPC closed) must not leave an orphan listening.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', port });
