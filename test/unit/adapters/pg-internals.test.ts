// What src/adapters/postgres/wire/pg-internals.ts relies on in pg beyond its typed API, probed
// without a server (so in both modes): the installed pg, pg-protocol and pg-pool are the versions
// it was tested with, pg's Query still has the members it subclasses and calls them on the
// connection as it expects, the connection still keeps `parsedStatements`, pg/lib/utils.js still
// exports prepareValue, and pg-protocol's Bind still maps values through `valueMapper`. When an
// upgrade fails this file, read pg-internals.ts against the new pg before adding its versions.
import { createRequire } from 'node:module';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import {
  installedVersions,
  prepareValue,
  sentByWire,
  TESTED_VERSIONS,
  type PgConnection,
} from '../../../src/adapters/postgres/wire/pg-internals.js';

const require = createRequire(import.meta.url);
const packageJson = require('../../../package.json') as { dependencies: Record<string, string> };

/** A connection that records what a query calls on it, in order. */
function recordingConnection(parsed: Record<string, string> = {}) {
  const calls: [string, unknown][] = [];
  const record = (method: string) => (message?: unknown) => calls.push([method, message]);
  const connection = {
    parse: record('parse'),
    bind: record('bind'),
    describe: record('describe'),
    execute: record('execute'),
    close: record('close'),
    sync: record('sync'),
    flush: record('flush'),
    parsedStatements: parsed,
    submittedNamedStatements: {} as Record<string, string>,
  } satisfies PgConnection & Record<string, unknown>;
  return { connection, calls };
}

describe('the pg internals the wire module relies on', () => {
  it('are the versions it was tested with, pinned exactly in package.json', () => {
    expect(installedVersions()).toEqual(TESTED_VERSIONS);
    for (const [name, version] of Object.entries(TESTED_VERSIONS)) {
      expect(packageJson.dependencies[name], name).toBe(version);
    }
  });

  it('pg.Query keeps the members PreparedQuery overrides and reads', () => {
    const proto = (pg.Query as unknown as { prototype: Record<string, unknown> }).prototype;
    expect(typeof proto['prepare']).toBe('function');
    expect((proto['prepare'] as (...a: unknown[]) => unknown).length).toBe(1);
    expect(typeof proto['handleError']).toBe('function');
    expect((proto['handleError'] as (...a: unknown[]) => unknown).length).toBe(2);
    // pg runs an object with submit() as a query of its own (client.query(submittable)).
    expect(typeof proto['submit']).toBe('function');
  });

  it('prepare() parses, binds through valueMapper, describes, executes and syncs', async () => {
    // Build one of ours through the public path, without a server: a client whose query() only
    // captures the submittable.
    const { submitPrepared } = await import('../../../src/adapters/postgres/wire/pg-internals.js');
    let captured: unknown;
    const client = {
      query: (query: unknown) => {
        captured = query;
        return undefined;
      },
    } as unknown as pg.PoolClient;
    void submitPrepared(
      client,
      'select $1::int as n',
      [1],
      [{ text: 'select $1::text', values: ['x'], name: undefined }],
    );
    const sent = sentByWire(captured);
    expect(sent).toMatchObject({ text: 'select $1::int as n', values: [1] });
    expect(sent?.ahead).toEqual([{ text: 'select $1::text', values: ['x'], name: undefined }]);
    const query = captured as { name?: string; prepare(connection: PgConnection): void };
    expect(query.name).toMatch(/^tf_/);

    const { connection, calls } = recordingConnection();
    query.prepare(connection);
    const methods = calls.map(([method]) => method);
    // Ahead: parse, bind, describe, execute; then ours closes the unseen name and pg prepares.
    expect(methods).toEqual([
      'parse',
      'bind',
      'describe',
      'execute',
      'close',
      'parse',
      'bind',
      'describe',
      'execute',
      'sync',
    ]);
    const bind = calls[6]![1] as { statement: string; values: unknown[]; valueMapper: unknown };
    expect(bind.statement).toBe(query.name);
    expect(bind.values).toEqual([1]);
    expect(bind.valueMapper).toBe(prepareValue);

    // A name the connection has parsed is neither closed nor parsed again.
    const again = recordingConnection({ [query.name!]: 'select $1::int as n' });
    query.prepare(again.connection);
    expect(again.calls.filter(([method]) => method === 'close' || method === 'parse')).toEqual([
      ['parse', { text: 'select $1::text', name: '', types: [] }],
    ]);
  });

  it('a connection keeps the names it has prepared in parsedStatements', () => {
    const client = new pg.Client();
    const connection = (client as unknown as { connection: { parsedStatements: unknown } })
      .connection;
    expect(connection.parsedStatements).toEqual({});
  });

  it('prepareValue turns values into wire text as pg binds them', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(typeof prepareValue(at)).toBe('string');
    expect(new Date(prepareValue(at) as string).getTime()).toBe(at.getTime());
    expect(prepareValue({ a: 1 })).toBe('{"a":1}');
    expect(prepareValue(['a', 'b'])).toBe('{"a","b"}');
    expect(prepareValue(null)).toBeNull();
    expect(prepareValue(7)).toBe('7');
  });

  it("pg-protocol's Bind maps each value through valueMapper", () => {
    const seen: unknown[] = [];
    serialize.bind({
      portal: '',
      statement: '',
      values: ['x', 2],
      valueMapper: (value: unknown) => {
        seen.push(value);
        return String(value);
      },
    });
    expect(seen).toEqual(['x', 2]);
  });
});
