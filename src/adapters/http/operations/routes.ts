// Health, readiness, metrics, JWKS, the OpenAPI document and its rendered reference.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { respond, respondError } from '../envelope.js';
import { route, type RouteSpec } from '../route.js';
import { jwksSchema } from '../identity/schemas.js';
import type { HealthProbe, Operations, ProbeResult, ProbeStatus } from './probes.js';

const tags = ['Operations'];
const PROBE_TIMEOUT_MS = 2_000;

const checkSchema = z
  .object({ status: z.enum(['ok', 'degraded', 'down']), latency_ms: z.number() })
  .catchall(z.unknown());
const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']),
    version: z.string(),
    uptime_s: z.number(),
    draining: z.boolean().meta({ description: 'Shutting down: readiness already answers 503' }),
    checks: z.record(z.string(), checkSchema),
  })
  .meta({ id: 'Health' });

async function runProbe(probe: HealthProbe): Promise<ProbeResult & { latency_ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'down', error: 'timed out' }), PROBE_TIMEOUT_MS);
  });
  const result = await Promise.race([
    probe.check().catch((error: unknown) => ({
      status: 'down' as const,
      error: error instanceof Error ? error.message : String(error),
    })),
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

const docsHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TeamFlow API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs-init.js"></script></body></html>`;

const docsInit = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui' });`;

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
      auth: 'none',
      responses: { 200: { description: 'Alive', data: z.object({ status: z.literal('ok') }) } },
      handler: async (ctx) => respond(ctx, { status: 'ok' }),
    }),
    route({
      method: 'get',
      path: '/health/ready',
      operationId: 'readiness',
      summary: 'Readiness: database reachable, migrations current, not draining',
      tags,
      auth: 'none',
      responses: {
        200: { description: 'Ready', data: z.object({ status: z.literal('ready') }) },
        503: { description: 'Not ready (draining, or a critical dependency is down)' },
      },
      handler: async (ctx) => {
        const unready = ops.isDraining() ? 'draining' : await firstCriticalDown(ops.probes);
        if (unready !== undefined) {
          ctx.set('Retry-After', '5');
          respondError(ctx, 503, { code: 'SERVICE_UNAVAILABLE', message: `Not ready: ${unready}` });
          return;
        }
        respond(ctx, { status: 'ready' });
      },
    }),
    route({
      method: 'get',
      path: '/health/detailed',
      operationId: 'healthDetailed',
      summary: 'Status and latency of every component',
      tags,
      auth: 'none',
      responses: {
        200: { description: 'ok or degraded', data: healthSchema },
        503: { description: 'down: a critical component is down', data: healthSchema },
      },
      handler: async (ctx) => {
        const results = await Promise.all(ops.probes.map(runProbe));
        // Draining is not an outage (readiness reports it): the components speak for themselves.
        const status = overall(ops.probes, results);
        const checks = Object.fromEntries(ops.probes.map((p, i) => [p.name, results[i]]));
        respond(
          ctx,
          {
            status,
            version: ops.version,
            uptime_s: Math.round((Date.now() - ops.startedAt.getTime()) / 1000),
            draining: ops.isDraining(),
            checks,
          },
          { status: status === 'down' ? 503 : 200 },
        );
      },
    }),
    route({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics (text exposition format)',
      tags,
      auth: 'none',
      responses: { 200: { description: 'Prometheus text' } },
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
      auth: 'none',
      responses: { 200: { description: 'JWKS', data: jwksSchema } },
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
      auth: 'none',
      responses: { 200: { description: 'OpenAPI 3.1 document' } },
      handler: async (ctx) => {
        ctx.body = openApiDocument();
      },
    }),
    route({
      method: 'get',
      path: '/docs',
      operationId: 'docs',
      summary: 'The API reference, rendered from the OpenAPI document',
      tags,
      auth: 'none',
      responses: { 200: { description: 'HTML' } },
      handler: async (ctx) => {
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = docsHtml;
      },
    }),
    route({
      method: 'get',
      path: '/docs/assets/:file',
      operationId: 'docsAsset',
      summary: 'Static files of the API reference page (served locally, no CDN)',
      tags,
      auth: 'none',
      params: z.object({ file: z.string() }),
      responses: { 200: { description: 'A static file' }, 404: { description: 'No such file' } },
      handler: async (ctx: AppContext, { params }) => {
        const file = params.file;
        if (file === 'docs-init.js') {
          ctx.type = 'application/javascript; charset=utf-8';
          ctx.body = docsInit;
          return;
        }
        const type = DOC_ASSETS[file];
        if (type === undefined) return; // falls through to the 404 envelope
        ctx.set('Cache-Control', 'public, max-age=86400');
        ctx.type = type;
        ctx.body = await readFile(path.join(swaggerDir, file));
      },
    }),
  ];
}

async function firstCriticalDown(probes: readonly HealthProbe[]): Promise<string | undefined> {
  const critical = probes.filter((p) => p.critical);
  const results = await Promise.all(critical.map(runProbe));
  const index = results.findIndex((r) => r.status === 'down');
  return index === -1 ? undefined : critical[index]?.name;
}
