// A pipeline connector on a pool of its own that counts round trips: every call of a client's
// query() is one batch written and one answer awaited.
import pg from 'pg';
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

export function countedPipeline(
  url: string,
  options: { role?: string; max?: number } = {},
): CountedPipeline {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 1 });
  let trips = 0;
  const counted = new WeakSet<pg.PoolClient>();
  const connect = pipelineConnector(async () => {
    const client = await pool.connect();
    if (!counted.has(client)) {
      counted.add(client);
      if (options.role) await client.query(`SET ROLE ${options.role}`);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        trips += 1;
        return query(...args);
      };
    }
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
