// QueryTemplates (src/adapters/postgres/wire/templates.ts): a statement is built and compiled once
// per shape; later calls only bind their arguments. The key a statement is kept under is derived
// from the shape object (canonically), the number of arguments and of rows: two different shapes
// never share a statement, and a builder that branches on something its shape leaves out is caught.
// No database: these run the same in both modes.
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { canonicalShape, QueryTemplates } from '../../../src/adapters/postgres/wire/templates.js';

interface Db {
  tasks: {
    id: string;
    organization_id: string;
    number: number;
    title: string;
    deleted_at: Date | null;
    created_at: Date | string;
  };
  notes: { id: string; title: string };
}

const db = new Kysely<Db>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const byNumber = (organization: string, number: number) =>
  db
    .selectFrom('tasks')
    .select(['id', sql<string>`${'constant'}`.as('c')])
    .where('organization_id', '=', organization)
    .where('number', '=', number)
    .limit(50);

describe('QueryTemplates', () => {
  it('builds a shape once and binds each call’s arguments, typed, where the markers were', () => {
    const templates = new QueryTemplates({ verify: false });
    const build = vi.fn(byNumber);
    const first = templates.compile({ query: 'by-number' }, ['org-1', 7] as const, build);
    const second = templates.compile({ query: 'by-number' }, ['org-2', 8] as const, build);
    expect(build).toHaveBeenCalledTimes(1);
    const direct = byNumber('org-2', 8).compile();
    expect(second.sql).toBe(direct.sql);
    expect(second.parameters).toEqual(direct.parameters);
    expect(second.parameters).toEqual(['constant', 'org-2', 8, 50]);
    expect(first.parameters).toEqual(['constant', 'org-1', 7, 50]);
    expect(templates.size).toBe(1);
    // The same shape spelled with its keys in another order is the same statement, not built again.
    const shape = { query: 'by-number', live: true, limit: 50 };
    const reordered = { limit: 50, live: true, query: 'by-number' };
    const third = templates.compile(shape, ['org-3', 9] as const, build);
    const fourth = templates.compile(reordered, ['org-4', 10] as const, build);
    expect(build).toHaveBeenCalledTimes(2);
    expect(fourth.sql).toBe(third.sql);
    expect(fourth.parameters).toEqual(['constant', 'org-4', 10, 50]);
    expect(templates.size).toBe(2);
  });

  it('binds an argument used twice in both places, and keeps shapes apart', () => {
    const templates = new QueryTemplates();
    const twice = (org: string) =>
      db.selectFrom('tasks').select('id').where('organization_id', '=', org).where('id', '=', org);
    expect(templates.compile({ query: 'twice' }, ['a'] as const, twice).parameters).toEqual([
      'a',
      'a',
    ]);
    expect(
      templates.compile({ query: 'by-number' }, ['b', 1] as const, byNumber).parameters,
    ).toEqual(['constant', 'b', 1, 50]);
    expect(templates.size).toBe(2);
  });

  it('never lets two different option sets share a compiled statement', () => {
    const templates = new QueryTemplates();
    // Every combination of three options, with options given in any order and undefined ones
    // left out: each distinct set compiles a statement of its own, with the SQL it builds.
    const select = (options: {
      live: boolean;
      sort?: 'number' | 'title' | undefined;
      limit?: number | undefined;
    }) =>
      templates.compile(options, ['org'] as const, (org) => {
        let query = db.selectFrom('tasks').select('id').where('organization_id', '=', org);
        if (options.live) query = query.where('deleted_at', 'is', null);
        if (options.sort !== undefined) query = query.orderBy(options.sort);
        if (options.limit !== undefined) query = query.limit(options.limit);
        return query;
      });
    const sets = [true, false].flatMap((live) =>
      [undefined, 'number' as const, 'title' as const].flatMap((sort) =>
        [undefined, 10, 20].map((limit) => ({ live, sort, limit })),
      ),
    );
    const texts = new Map<string, string>();
    for (const options of sets) {
      const { sql: text, parameters } = select(options);
      texts.set(canonicalShape(options), `${text} ${JSON.stringify(parameters)}`);
    }
    expect(templates.size).toBe(sets.length);
    expect(new Set(texts.values()).size).toBe(sets.length);
    // The same set given in another key order, with an undefined option spelled out, is the same.
    const again = select({ limit: 10, sort: undefined, live: true });
    expect(`${again.sql} ${JSON.stringify(again.parameters)}`).toBe(
      texts.get(canonicalShape({ live: true, limit: 10 })),
    );
    expect(templates.size).toBe(sets.length);
  });

  it('keys by the number of arguments and of rows, never by a hand-written count', () => {
    const templates = new QueryTemplates();
    const insert = (rows: readonly (readonly [string, string])[]) =>
      templates.compileRows({ query: 'insert' }, rows, (marked) =>
        db.insertInto('notes').values(marked.map(([id, title]) => ({ id, title }))),
      );
    const one = insert([['a', 'A']]);
    const two = insert([
      ['b', 'B'],
      ['c', 'C'],
    ]);
    expect(one.parameters).toEqual(['a', 'A']);
    expect(two.parameters).toEqual(['b', 'B', 'c', 'C']);
    expect(two.sql).not.toBe(one.sql);
    expect(templates.size).toBe(2);
  });

  it('fails when a builder branches on something its shape leaves out (under test)', () => {
    // Verifying is on by default under the test runner (NODE_ENV=test), as every test runs.
    expect(process.env.NODE_ENV).toBe('test');
    const templates = new QueryTemplates();
    const find = (org: string, live: boolean) =>
      templates.compile({ query: 'find' }, [org] as const, (organization) =>
        live
          ? db.selectFrom('tasks').select('id').where('organization_id', '=', organization)
          : db.selectFrom('tasks').select('title').where('organization_id', '=', organization),
      );
    expect(find('a', true).sql).toContain('"id"');
    expect(find('b', true).parameters).toEqual(['b']);
    expect(() => find('c', false)).toThrow(/an option the builder branches on is missing/);
  });

  it('refuses a builder that transforms, drops or inlines an argument', () => {
    const templates = new QueryTemplates();
    expect(() =>
      templates.compile({ query: 'upper' }, ['a'] as const, (org) =>
        db.selectFrom('tasks').select('id').where('organization_id', '=', org.toUpperCase()),
      ),
    ).toThrow(/must be bound as given/);
    // (A tuple of arguments makes dropping one a type error too; a list of them does not.)
    const both: readonly string[] = ['a', 'b'];
    expect(() =>
      templates.compile({ query: 'dropped' }, both, (...[org]) =>
        db
          .selectFrom('tasks')
          .select('id')
          .where('organization_id', '=', org ?? ''),
      ),
    ).toThrow(/must be bound as given \(1 not\)/);
    expect(() =>
      templates.compile({ query: 'inlined' }, ['a'] as const, (org) =>
        db
          .selectFrom('tasks')
          .select('id')
          .where('organization_id', '=', org)
          .where(sql<boolean>`title = ${sql.lit(org)}`),
      ),
    ).toThrow(/must be bound as given/);
    // Nothing refused is remembered: the next call builds again (and fails again).
    expect(templates.size).toBe(0);
  });
});

describe('canonicalShape', () => {
  it('is the same for the same options in any order, and differs for any other', () => {
    expect(canonicalShape({ b: 1, a: [true, 'x'], c: undefined })).toBe(
      canonicalShape({ a: [true, 'x'], b: 1 }),
    );
    expect(canonicalShape({ a: '1' })).not.toBe(canonicalShape({ a: 1 }));
    expect(canonicalShape({ a: null })).not.toBe(canonicalShape({}));
    expect(canonicalShape({ a: ['x,y'] })).not.toBe(canonicalShape({ a: ['x', 'y'] }));
    expect(canonicalShape({ a: { b: 1 } })).not.toBe(canonicalShape({ a: { c: 1 } }));
  });
});
