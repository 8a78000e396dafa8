// A pipeline connector on a pool of its own that counts round trips: every call of a client's
// query() is one batch written and one answer awaited.
import pg from 'pg';
import { sentByWire } from '../../src/adapters/postgres/wire/pg-internals.js';
import {
  pipelineConnector,
  type PipelineConnector,
} from '../../src/adapters/postgres/wire/pipeline.js';

export interface CountedPipeline {
  readonly connect: PipelineConnector;
  /** Round trips since the last reset (SET ROLE on a new client not counted). */
  trips(): number;
  reset(): void;
  end(): Promise<void>;
}

export interface CountingOptions {
  readonly role?: string;
  readonly max?: number;
  /**
   * Leaves out the outbox's batches (a session whose first trip declares it appends no event):
   * an app's dispatcher and consumers share its connector with the requests being counted.
   */
  readonly leaveOutOutbox?: boolean;
}

/** The checkout a client is in: whether it is an outbox batch (known at its first trip). */
interface Checkout {
  outbox?: boolean;
}

const textsOf = (query: unknown): string[] => {
  const sent = sentByWire(query);
  if (sent) return [...sent.ahead.map((statement) => statement.text), sent.text];
  if (typeof query === 'string') return [query];
  const text = (query as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? [text] : [];
};

export function countedPipeline(url: string, options: CountingOptions = {}): CountedPipeline {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 1 });
  // A test's teardown may drop the database under an idle connection (DROP DATABASE … WITH
  // (FORCE)): that is the end of the pool's use, not an error of the test.
  pool.on('error', () => undefined);
  let trips = 0;
  const current = new WeakMap<pg.PoolClient, Checkout>();
  const counted = new WeakSet<pg.PoolClient>();
  const connect = pipelineConnector(async () => {
    const client = await pool.connect();
    if (!counted.has(client)) {
      counted.add(client);
      if (options.role) await client.query(`SET ROLE ${options.role}`);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const checkout = current.get(client);
        if (checkout) {
          checkout.outbox ??= textsOf(args[0]).some((text) => text.includes('declare_no_events'));
          if (!(options.leaveOutOutbox && checkout.outbox)) trips += 1;
        }
        return query(...args);
      };
    }
    current.set(client, {});
    return client;
  });
  return {
    connect,
    trips: () => trips,
    reset: () => {
      trips = 0;
    },
    end: () => pool.end(),
  };
}
