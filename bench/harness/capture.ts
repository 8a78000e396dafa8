// The exact SQL one HTTP request sends: the application composed in this process the way
// production composes it (same config, same PostgreSQL role, same Redis), except that its
// database handle records every statement its `pg` clients send — BEGIN and COMMIT included, and
// the statements a batch carries ahead of its own — with the parameters and the rows that came
// back. Requests go through a real listening server and one at a time, so what is recorded
// between a request's start and its answer is its SQL.
// bench/harness/pgbench.ts turns that into pgbench scripts: the ceilings of the scenarios.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/adapters/postgres/database.js';
import type { DatabaseHandle } from '../../src/adapters/postgres/connect.js';
import { sentByWire } from '../../src/adapters/postgres/wire/pg-internals.js';
import { pipelineConnector } from '../../src/adapters/postgres/wire/pipeline.js';
import { scopedReader } from '../../src/adapters/postgres/wire/scoped-read.js';
import { READ_SCOPE_SQL } from '../../src/adapters/postgres/wire/tenant-scope.js';
import { loadConfig } from '../../src/bootstrap/config.js';
import { compose, type Application } from '../../src/bootstrap/compose.js';

export interface SentStatement {
  readonly text: string;
  /** As the application passed them (Dates, arrays, …); pg serializes them on the wire. */
  readonly values: readonly unknown[];
  /**
   * A one-trip read (src/adapters/postgres/wire/scoped-read.ts): the values of READ_SCOPE_SQL, sent
   * ahead of this statement in the same batch and implicit transaction.
   */
  readonly scope?: readonly unknown[];
  /**
   * A pipelined transaction's statements held and sent ahead of this one in the same batch
   * (src/adapters/postgres/wire/pipeline.ts); their values as pg put them on the wire.
   */
  readonly ahead?: readonly { readonly text: string; readonly values: readonly unknown[] }[];
  /** Filled when the answer arrives. */
  command?: string;
  rowCount?: number | null;
  rows?: Record<string, unknown>[];
  failed?: string;
}

export interface CapturedRequest {
  readonly status: number;
  readonly body: any;
  readonly statements: readonly SentStatement[];
  /** Ids the application generated while answering (deps.ids): the new rows' ids. */
  readonly generatedIds: readonly string[];
}

export interface RequestCapture {
  /** Sends the request and records the statements it makes the server send. */
  send(
    method: string,
    path: string,
    options?: { headers?: Record<string, string>; body?: unknown },
  ): Promise<CapturedRequest>;
  close(): Promise<void>;
}

interface Recorder {
  on: boolean;
  statements: SentStatement[];
  ids: string[];
}

/** A pg client that reports what it sends while the recorder is on. */
function recordingClient(recorder: Recorder): typeof pg.Client {
  return class RecordingClient extends pg.Client {
    // pg's overloads cannot be restated here; the arguments go through untouched.
    override query(...args: any[]): any {
      const sent = recorder.on ? sentByWire(args[0]) : undefined;
      if (sent) recordSent(recorder, args[0] as object, sent);
      const result = (super.query as (...a: any[]) => any)(...args);
      if (recorder.on && typeof args[0] === 'string' && result instanceof Promise) {
        const entry: SentStatement = { text: args[0], values: (args[1] as unknown[]) ?? [] };
        recorder.statements.push(entry);
        result.then(
          (r: pg.QueryResult) => {
            entry.command = r.command;
            entry.rowCount = r.rowCount;
            entry.rows = r.rows;
          },
          (error: unknown) => {
            entry.failed = error instanceof Error ? error.message : String(error);
          },
        );
      }
      return result;
    }
  };
}

/**
 * Records a statement of the wire module: a one-trip read (the read scope alone ahead of it) with
 * its scope, a pipelined statement with the statements held ahead of it.
 */
function recordSent(
  recorder: Recorder,
  query: object,
  sent: NonNullable<ReturnType<typeof sentByWire>>,
): void {
  const [first] = sent.ahead;
  if (sent.ahead.length === 1 && first?.text === READ_SCOPE_SQL) {
    record(recorder, query, { scope: first.values });
  } else {
    record(recorder, query, { ahead: sent.ahead.map(({ text, values }) => ({ text, values })) });
  }
}

function record(
  recorder: Recorder,
  query: object,
  extra: Pick<SentStatement, 'scope' | 'ahead'>,
): void {
  const raw = query as unknown as {
    text: string;
    values: unknown[];
    callback: (error: Error | null, results: unknown) => void;
  };
  const entry: SentStatement = { text: raw.text, values: raw.values, ...extra };
  recorder.statements.push(entry);
  const callback = raw.callback;
  raw.callback = (error, results) => {
    const result = (Array.isArray(results) ? results.at(-1) : results) as pg.QueryResult;
    if (error) entry.failed = error.message;
    else {
      entry.command = result.command;
      entry.rowCount = result.rowCount;
      entry.rows = result.rows;
    }
    callback(error, results);
  };
}

/** Composes the application over a recording pool; `env` as the benchmark server gets it. */
export async function openRequestCapture(env: NodeJS.ProcessEnv): Promise<RequestCapture> {
  const config = loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1' });
  const recorder: Recorder = { on: false, statements: [], ids: [] };
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_SIZE,
    Client: recordingClient(recorder),
  });
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const database: DatabaseHandle = {
    db,
    kind: 'postgres',
    // Reads and transactions as the server makes them: one batch per statement, statements held
    // ahead of the next (the URL sets the role).
    scopedRead: scopedReader(() => pool.connect()),
    pipelined: pipelineConnector(() => pool.connect()),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => db.destroy(),
  };
  let app: Application | undefined;
  try {
    app = await compose(config, { database });
    // The use cases read deps.ids at each call: wrapped, it names the ids of the rows a request makes.
    const ids = app.deps.ids;
    (app.deps as { ids: typeof ids }).ids = {
      next: () => {
        const id = ids.next();
        if (recorder.on) recorder.ids.push(id);
        return id;
      },
    };
    const port = await app.start();
    const base = `http://127.0.0.1:${port}`;
    const started = app;
    return {
      async send(method, path, options = {}) {
        recorder.statements = [];
        recorder.ids = [];
        recorder.on = true;
        try {
          const response = await fetch(`${base}${path}`, {
            method,
            headers: {
              ...options.headers,
              ...(options.body !== undefined && { 'content-type': 'application/json' }),
            },
            ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
          });
          const text = await response.text();
          // Work the request leaves behind (a cache write after the answer) still counts.
          await new Promise((r) => setTimeout(r, 50));
          return {
            status: response.status,
            body: text === '' ? undefined : JSON.parse(text),
            statements: recorder.statements,
            generatedIds: recorder.ids,
          };
        } finally {
          recorder.on = false;
        }
      },
      async close() {
        await started.stop();
        await database.close();
      },
    };
  } catch (error) {
    await app?.stop();
    await database.close();
    throw error;
  }
}
