// OpenTelemetry tracing: the NodeSDK with HTTP, Koa, pg and ioredis instrumentation, exported over OTLP.
import type { IncomingMessage } from 'node:http';
import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { createAddHookMessageChannel } from 'import-in-the-middle';

export interface TracingOptions {
  /** OTLP base URL, e.g. `http://otel-collector:4318`; spans go to `${endpoint}/v1/traces`. */
  readonly endpoint: string;
  readonly serviceName: string;
  readonly serviceVersion?: string;
  /** Replaces the OTLP exporter (tests pass an InMemorySpanExporter); spans are then exported one by one. */
  readonly exporter?: SpanExporter;
}

export interface Tracing {
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/** Probes and scrapes would drown the traces that matter. */
function isOperationsRequest(request: IncomingMessage): boolean {
  const path = (request.url ?? '').split('?', 1)[0] ?? '';
  return path === '/health' || path.startsWith('/health/') || path === '/metrics';
}

/**
 * Starts tracing. Call it, and await it, before importing anything it instruments (koa, pg,
 * ioredis): the app is ESM, so modules are patched by the import-in-the-middle loader hook as they
 * load, and a module imported before the hook is registered stays unpatched.
 *
 * ```ts
 * const tracing = await startTracing({ endpoint, serviceName: 'teamflow-api' });
 * const { compose } = await import('./compose.js');
 * ```
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  // Only the modules the instrumentations name (sent over this channel as each one hooks them)
  // go through the loader's wrapper; everything else loads untouched.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  const exporter =
    options.exporter ??
    new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const sdk = new NodeSDK({
    resource: defaultResource().merge(
      resourceFromAttributes({
        'service.name': options.serviceName,
        ...(options.serviceVersion !== undefined && { 'service.version': options.serviceVersion }),
      }),
    ),
    spanProcessors: [
      options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter),
    ],
    // Traces only: metrics are Prometheus (/metrics) and logs are pino on stdout.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: isOperationsRequest }),
      new KoaInstrumentation(),
      new PgInstrumentation(),
      new IORedisInstrumentation(),
    ],
  });
  sdk.start();
  await waitForAllMessagesAcknowledged();
  return { shutdown: () => sdk.shutdown() };
}
