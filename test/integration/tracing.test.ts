// Tracing end to end: a child process starts tracing as main.ts does (before the app is imported),
// with spans kept in memory; a request here must come back as an HTTP server span with the
// Koa (and, on PostgreSQL, pg) spans under it, and its log line must carry the trace id.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpanKind } from '@opentelemetry/api';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/postgres/connect.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrator.js';
import { client } from '../support/client.js';
import { testDatabaseUrl, testRedisUrl, uniqueTag } from '../support/env.js';
import type { ChildMessage, ParentMessage, TracedSpan } from '../support/traced-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const usesPostgres = testDatabaseUrl !== undefined;
const engine = usesPostgres ? 'PostgreSQL' : 'embedded PGlite';

/** A database of our own on the test server, created migrated and dropped at the end. */
async function createDatabase(maintenanceUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: maintenanceUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 });
  try {
    await migrateToLatest(database.db);
  } finally {
    await database.close();
  }
  return url.toString();
}

async function dropDatabase(maintenanceUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: maintenanceUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

interface TracedChild {
  readonly process: ChildProcess;
  readonly port: number;
  readonly logLines: () => Array<Record<string, unknown>>;
  spans(): Promise<TracedSpan[]>;
  stop(): Promise<void>;
}

function childEnv(dataDir: string, databaseUrl: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TRACED_DATA_DIR: dataDir, NODE_ENV: 'test' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl;
  if (testRedisUrl !== undefined) env.REDIS_URL = testRedisUrl;
  return env;
}

async function startChild(dataDir: string, databaseUrl: string | undefined): Promise<TracedChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/traced-server.ts'], {
    cwd: root,
    env: childEnv(dataDir, databaseUrl),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const reply = <T extends ChildMessage['type']>(type: T) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      child.on('message', onMessage);
      void exited.then((code) =>
        reject(new Error(`traced server exited (${code}) before '${type}':\n${stderr}`)),
      );
    });
  const ask = (message: ParentMessage) => child.send(message);

  const { port } = await reply('ready');
  return {
    process: child,
    port,
    logLines: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    spans: async () => {
      const answer = reply('spans');
      ask({ type: 'spans' });
      return (await answer).spans;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      ask({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls until `probe` returns a value (the server span ends just after the response is sent). */
async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for telemetry');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`tracing, exported in memory (${engine})`, () => {
  const tag = uniqueTag();
  const databaseName = `tracing_${tag}`;
  let dataDir: string;
  let child: TracedChild | undefined;
  let spans: TracedSpan[];
  let serverSpan: TracedSpan;
  let requestId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'teamflow-tracing-'));
    const databaseUrl = testDatabaseUrl && (await createDatabase(testDatabaseUrl, databaseName));
    child = await startChild(dataDir, databaseUrl);
    const base = `http://127.0.0.1:${child.port}`;

    const api = client(base);
    expect((await api.get('/health')).status).toBe(200);
    const response = await api.post('/api/v1/auth/register', {
      email: `t-${tag}@example.com`,
      password: 'correct-horse-1',
      name: 'T',
    });
    expect(response.status).toBe(201);
    requestId = response.headers.get('x-request-id') ?? '';

    const traced = child;
    serverSpan = await eventually(async () => {
      spans = await traced.spans();
      return spans.find(
        (s) => s.kind === SpanKind.SERVER && s.attributes['http.route'] === '/api/v1/auth/register',
      );
    });
  });

  afterAll(async () => {
    await child?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (testDatabaseUrl) await dropDatabase(testDatabaseUrl, databaseName);
  });

  /** Whether `span` is `ancestor` or sits under it, following parentSpanId within one trace. */
  function descendsFrom(span: TracedSpan, ancestor: TracedSpan): boolean {
    const byId = new Map(
      spans.filter((s) => s.traceId === ancestor.traceId).map((s) => [s.spanId, s]),
    );
    let current: TracedSpan | undefined = span;
    while (current) {
      if (current.spanId === ancestor.spanId) return true;
      current = current.parentSpanId === null ? undefined : byId.get(current.parentSpanId);
    }
    return false;
  }

  it('exports a SERVER span from the http instrumentation for POST /api/v1/auth/register, with its route', () => {
    expect(serverSpan).toMatchObject({
      scope: '@opentelemetry/instrumentation-http',
      kind: SpanKind.SERVER,
      parentSpanId: null,
    });
    expect(serverSpan.name).toContain('POST');
    expect(serverSpan.attributes).toMatchObject({ 'http.route': '/api/v1/auth/register' });
  });

  it('exports no span for /health (ignored probe)', () => {
    const probes = spans.filter((s) => s.kind === SpanKind.SERVER && s !== serverSpan);
    expect(probes).toEqual([]);
  });

  it('exports Koa middleware and router spans as descendants of the HTTP server span', () => {
    const koa = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-koa');
    expect(koa.length).toBeGreaterThan(0);
    const router = koa.find((s) => s.attributes['koa.type'] === 'router');
    expect(router?.attributes['http.route']).toBe('/api/v1/auth/register');
    for (const span of koa) expect(descendsFrom(span, serverSpan)).toBe(true);
    const direct = koa.filter((s) => s.parentSpanId === serverSpan.spanId);
    expect(direct.length).toBeGreaterThan(0);
  });

  it(
    usesPostgres
      ? 'exports pg query spans whose parent chain leads to the HTTP server span (PostgreSQL)'
      : 'exports no pg span on embedded PGlite, which does not go through pg',
    () => {
      const queries = spans.filter(
        (s) => s.scope === '@opentelemetry/instrumentation-pg' && s.traceId === serverSpan.traceId,
      );
      if (!usesPostgres) {
        expect(spans.filter((s) => s.scope === '@opentelemetry/instrumentation-pg')).toEqual([]);
        return;
      }
      expect(queries.length).toBeGreaterThan(0);
      expect(
        queries.some((s) =>
          /users/i.test(String(s.attributes['db.statement'] ?? s.attributes['db.query.text'])),
        ),
      ).toBe(true);
      for (const query of queries) {
        expect(query.kind).toBe(SpanKind.CLIENT);
        expect(query.parentSpanId).not.toBeNull();
        expect(descendsFrom(query, serverSpan)).toBe(true);
      }
    },
  );

  it('writes the request log line with trace_id equal to the HTTP server span trace id', async () => {
    const traced = child;
    if (!traced) throw new Error('no traced server');
    const line = await eventually(() =>
      traced.logLines().find((l) => l.msg === 'request' && l.request_id === requestId),
    );
    expect(line).toMatchObject({
      route: '/api/v1/auth/register',
      status: 201,
      trace_id: serverSpan.traceId,
    });
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
  });
});
