// Which database errors mean "the database is gone, retry later" (503) and which are a statement's
// own: the classification at the postgres adapter's edge, and the status the HTTP table gives it.
import { describe, expect, it } from 'vitest';
import { mapError } from '../../../src/adapters/http/errors.js';
import {
  DatabaseUnavailableError,
  isDatabaseUnavailable,
  unavailableOr,
} from '../../../src/adapters/postgres/errors.js';

/** An error as pg's parser makes them from an ErrorResponse: a code, the server's message. */
const serverError = (code: string, message = 'from the server') =>
  Object.assign(new Error(message), { code, severity: 'FATAL' });
const socketError = (code: string) =>
  Object.assign(new Error(`connect ${code} 10.0.0.7:5432`), { code, address: '10.0.0.7' });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['57P01 admin_shutdown (fast restart)', serverError('57P01')],
    ['57P02 crash_shutdown', serverError('57P02')],
    ['57P03 cannot_connect_now (starting up)', serverError('57P03')],
    ['53300 too_many_connections', serverError('53300')],
    ['08006 connection_failure', serverError('08006')],
    ['08P01 protocol_violation (class 08)', serverError('08P01')],
    ['ECONNREFUSED', socketError('ECONNREFUSED')],
    ['ECONNRESET', socketError('ECONNRESET')],
    ['EPIPE', socketError('EPIPE')],
    ['ETIMEDOUT', socketError('ETIMEDOUT')],
    ['pg: Connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    ['pg: Connection terminated', new Error('Connection terminated')],
    [
      'pg-pool: timeout exceeded when trying to connect',
      new Error('timeout exceeded when trying to connect'),
    ],
    [
      'pg: a client after its connection failed',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    [
      'pg-pool: a connect timeout, with its cause',
      new Error('Connection terminated due to connection timeout', {
        cause: new Error('Connection terminated unexpectedly'),
      }),
    ],
    [
      'node: every address refused',
      new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')]),
    ],
    ['already translated', new DatabaseUnavailableError(socketError('ECONNREFUSED'))],
  ])('is true for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['23505 unique_violation', serverError('23505')],
    ['40001 serialization_failure', serverError('40001')],
    ['42P01 undefined_table', serverError('42P01')],
    ['57014 query_canceled', serverError('57014')],
    ['a plain error', new Error('boom')],
    ['a string', 'Connection terminated'],
    ['undefined', undefined],
  ])('is false for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('unavailableOr', () => {
  it('wraps a lost connection, keeping the driver error as the cause only', () => {
    const cause = socketError('ECONNREFUSED');
    const error = unavailableOr(cause) as DatabaseUnavailableError;
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.cause).toBe(cause);
    expect(error.message).not.toMatch(/10\.0\.0\.7|5432|ECONNREFUSED/);
    expect(unavailableOr(error)).toBe(error);
  });

  it('leaves a statement’s own error as it is', () => {
    const error = serverError('23505');
    expect(unavailableOr(error)).toBe(error);
  });
});

describe('the HTTP table', () => {
  it('answers a lost database 503 SERVICE_UNAVAILABLE with Retry-After, and names nothing of it', () => {
    const mapped = mapError(new DatabaseUnavailableError(socketError('ECONNREFUSED')));
    expect(mapped.status).toBe(503);
    expect(mapped.unexpected).toBe(false);
    expect(mapped.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(mapped.headers['Retry-After']).toMatch(/^[1-9]\d*$/);
    expect(JSON.stringify(mapped.body)).not.toMatch(/10\.0\.0\.7|5432|ECONNREFUSED/);
  });

  it('still answers an untranslated driver error 500', () => {
    expect(mapError(serverError('42P01')).status).toBe(500);
  });
});
