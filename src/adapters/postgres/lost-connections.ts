// Connections that died under a checked-out client. PostgreSQL restarting, failing over or being
// killed ends every connection: pg fails the client's queries, then emits 'error' on the client,
// which, with no listener, takes the process down. Every client gets a listener for its whole
// life, a query that fails because the connection is gone fails as DatabaseUnavailableError (503),
// and a client whose connection died is closed when it is released, never pooled again: the pool
// opens new ones on demand, so it recovers by itself once the server is back.
import type pg from 'pg';
import { isDatabaseUnavailable, unavailableOr } from './errors.js';

const lost = new WeakMap<pg.ClientBase, Error>();

/** Listens to `client`'s 'error' for its whole life: the connection is marked lost, then reported. */
export function watchClient(client: pg.ClientBase, onLost: (error: Error) => void): void {
  client.on('error', (error) => {
    lost.set(client, error);
    onLost(error);
  });
}

/**
 * What a failed query on `client` throws: a lost connection marks the client (its release closes
 * it) and becomes a DatabaseUnavailableError; any other error is the statement's own.
 */
export function queryFailure(client: pg.ClientBase, error: unknown): Error {
  const failure = error instanceof Error ? error : new Error(String(error));
  if (!isDatabaseUnavailable(failure)) return failure;
  lost.set(client, failure);
  return unavailableOr(failure) as Error;
}

/**
 * Returns `client` to the pool; with an error, or when its connection died, the pool closes it
 * instead (a dead client's prepared statements, role and socket are never handed out again).
 */
export function releaseClient(client: pg.PoolClient, error?: Error): void {
  client.release(error ?? lost.get(client));
}
