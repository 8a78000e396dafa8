// Health, readiness, metrics, JWKS, the OpenAPI document and its rendered reference.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../../application/shared/ports.js';
import { ServiceUnavailableError } from '../../../domain/shared/errors.js';
import type { AppContext } from '../context.js';
import { respond, respondError } from '../envelope.js';
import { route, type RouteSpec } from '../route.js';
import { jwksSchema } from '../identity/schemas.js';
import type { HealthProbe, Operations, ProbeResult, ProbeStatus } from './probes.js';
import { ON_ADMIN_PORT } from './listeners.js';
import { healthSchema } from './schemas.js';

const tags = ['Operations'];
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Why a probe is down, as the public sees it: a short stable word, never the driver's message
 * (which names hosts, ports and users). The error itself goes to the log.
 */
type ProbeFailure = 'timed out' | 'unreachable' | 'failed';

async function runProbe(
  probe: HealthProbe,
  log: Logger,
): Promise<ProbeResult & { latency_ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const down = (error: ProbeFailure) => ({ status: 'down' as const, error });
  const timeout = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => resolve(down('timed out')), PROBE_TIMEOUT_MS);
  });
  const result = await Promise.race([
    probe.check().catch((error: unknown) => {
      log.warn({ err: error, probe: probe.name }, 'health probe failed');
      return down(error instanceof ServiceUnavailableError ? 'unreachable' : 'failed');
    }),
    timeout,
  ]);
  clearTimeout(timer);
  return { ...result, latency_ms: Math.round((performance.now() - started) * 100) / 100 };
}

function overall(probes: readonly HealthProbe[], results: readonly ProbeResult[]): ProbeStatus {
  const criticalDown = results.some((r, i) => probes[i]?.critical && r.status === 'down');
  if (criticalDown) return 'down';
  return results.some((r) => r.status !== 'ok') ? 'degraded' : 'ok';
}

/** Each component as an error detail: `{field: 'checks.database', message: 'down: unreachable'}`. */
function checkDetails(names: readonly string[], results: readonly ProbeResult[]) {
  return names.map((name, i) => {
    const { status, error } = results[i] ?? { status: 'down' };
    return {
      field: `checks.${name}`,
      message: typeof error === 'string' ? `${status}: ${error}` : status,
    };
  });
}

/** Seconds a client (a load balancer, a monitor) should wait before asking again. */
const RETRY_AFTER_SECONDS = '5';

const docsHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TeamFlow API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs-init.js"></script></body></html>`;

const docsInit = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui' });`;

/** The reference page's files change only with a release. */
const ASSET_CACHE_CONTROL = 'public, max-age=86400';

const DOC_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};

export function operationsRoutes(ops: Operations, openApiDocument: () => unknown): RouteSpec[] {
  const swaggerDir = path.dirname(
    createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
  );

  return [
    route({
      method: 'get',
      path: '/health',
      operationId: 'health',
      summary: 'Liveness: the process answers',
      tags,
      scope: 'public',
      responses: { 200: { description: 'Alive', data: z.object({ status: z.literal('ok') }) } },
      handler: async (ctx) => respond(ctx, { status: 'ok' }),
    }),
    route({
      method: 'get',
      path: '/health/ready',
      operationId: 'readiness',
      summary: 'Readiness: database reachable, migrations current, not draining',
      tags,
      scope: 'public',
      responses: {
        200: { description: 'Ready', data: z.object({ status: z.literal('ready') }) },
        503: { description: 'Not ready (draining, or a critical dependency is down)' },
      },
      handler: async (ctx) => {
        if (ops.isDraining()) {
          ctx.set('Retry-After', RETRY_AFTER_SECONDS);
          respondError(ctx, 503, { code: 'SERVICE_UNAVAILABLE', message: 'Not ready: draining' });
          return;
        }
        const critical = ops.probes.filter((p) => p.critical);
        const results = await Promise.all(critical.map((p) => runProbe(p, ctx.state.log)));
        const down = critical.filter((_, i) => results[i]?.status === 'down');
        if (down.length > 0) {
          ctx.set('Retry-After', RETRY_AFTER_SECONDS);
          respondError(ctx, 503, {
            code: 'SERVICE_UNAVAILABLE',
            message: `Not ready: ${down.map((p) => p.name).join(', ')}`,
            details: checkDetails(
              critical.map((p) => p.name),
              results,
            ),
          });
          return;
        }
        respond(ctx, { status: 'ready' });
      },
    }),
    route({
      method: 'get',
      path: '/health/detailed',
      operationId: 'healthDetailed',
      summary: 'Status and latency of every component (on ADMIN_PORT when set)',
      tags,
      scope: 'public',
      responses: {
        200: { description: 'ok or degraded', data: healthSchema },
        404: ON_ADMIN_PORT,
        503: {
          description:
            'down: a critical component is down. An error envelope; `error.details` holds every ' +
            'component as `{field: "checks.<name>", message: "<status>[: <reason>]"}`',
        },
      },
      handler: async (ctx) => {
        const results = await Promise.all(ops.probes.map((p) => runProbe(p, ctx.state.log)));
        // Draining is not an outage (readiness reports it): the components speak for themselves.
        const status = overall(ops.probes, results);
        const names = ops.probes.map((p) => p.name);
        if (status === 'down') {
          ctx.set('Retry-After', RETRY_AFTER_SECONDS);
          respondError(ctx, 503, {
            code: 'SERVICE_UNAVAILABLE',
            message: 'A critical component is down',
            details: checkDetails(names, results),
          });
          return;
        }
        respond(ctx, {
          status,
          version: ops.version,
          uptime_s: Math.round((Date.now() - ops.startedAt.getTime()) / 1000),
          draining: ops.isDraining(),
          checks: Object.fromEntries(names.map((name, i) => [name, results[i]])),
        });
      },
    }),
    route({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics, text exposition format (on ADMIN_PORT when set)',
      tags,
      scope: 'public',
      responses: {
        200: { description: 'Prometheus text', content: { 'text/plain': z.string() } },
        404: ON_ADMIN_PORT,
      },
      handler: async (ctx) => {
        const { contentType, body } = await ops.metrics();
        ctx.type = contentType;
        ctx.body = body;
      },
    }),
    route({
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'jwks',
      summary: 'Public keys that verify access tokens (a bare JWKS, not the envelope)',
      tags,
      scope: 'public',
      responses: {
        200: {
          description: 'JWKS',
          content: { 'application/json': jwksSchema },
          headers: ['Cache-Control'],
        },
        404: {
          description:
            'Asked on the admin port (ADMIN_PORT): the public keys are served on the API’s port',
        },
      },
      handler: async (ctx) => {
        ctx.set('Cache-Control', 'public, max-age=300');
        ctx.body = ops.jwks();
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/openapi.json',
      operationId: 'openapi',
      summary: 'This OpenAPI document',
      tags,
      scope: 'public',
      responses: {
        200: {
          description: 'OpenAPI 3.1 document',
          content: { 'application/json': z.looseObject({ openapi: z.string() }) },
        },
      },
      handler: async (ctx) => {
        ctx.body = openApiDocument();
      },
    }),
    route({
      method: 'get',
      path: '/docs',
      operationId: 'docs',
      summary: 'The API reference, rendered from the OpenAPI document (on ADMIN_PORT when set)',
      tags,
      scope: 'public',
      responses: {
        200: { description: 'HTML', content: { 'text/html': z.string() } },
        404: ON_ADMIN_PORT,
      },
      handler: async (ctx) => {
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = docsHtml;
      },
    }),
    route({
      method: 'get',
      path: '/docs/assets/:file',
      operationId: 'docsAsset',
      summary: 'Static files of the API reference page, served locally (on ADMIN_PORT when set)',
      tags,
      scope: 'public',
      params: z.object({ file: z.string() }),
      responses: {
        200: {
          description: 'A static file',
          content: { 'text/css': z.string(), 'application/javascript': z.string() },
          headers: ['Cache-Control'],
        },
        404: { description: 'No such file; or asked on the API’s port while ADMIN_PORT is set' },
      },
      handler: async (ctx: AppContext, { params }) => {
        const file = params.file;
        if (file === 'docs-init.js') {
          ctx.set('Cache-Control', ASSET_CACHE_CONTROL);
          ctx.type = 'application/javascript; charset=utf-8';
          ctx.body = docsInit;
          return;
        }
        const type = DOC_ASSETS[file];
        if (type === undefined) return; // falls through to the 404 envelope
        ctx.set('Cache-Control', ASSET_CACHE_CONTROL);
        ctx.type = type;
        ctx.body = await readFile(path.join(swaggerDir, file));
      },
    }),
  ];
}
