// QueryTemplates: a statement is built and compiled once per shape; later calls only bind their
// arguments. A builder that does more with an argument than bind it is refused at its first build.
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { QueryTemplates } from '../../../src/adapters/postgres/query-template.js';

interface Db {
  tasks: { id: string; organization_id: string; number: number; title: string };
}

const db = new Kysely<Db>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const byNumber = (organization: string, number: string) =>
  db
    .selectFrom('tasks')
    .select(['id', sql<string>`${'constant'}`.as('c')])
    .where('organization_id', '=', organization)
    .where('number', '=', number as unknown as number)
    .limit(50);

describe('QueryTemplates', () => {
  it('builds a shape once and binds each call’s arguments where the markers were', () => {
    const templates = new QueryTemplates();
    const build = vi.fn(byNumber);
    const first = templates.compile('by-number', ['org-1', 7], build);
    const second = templates.compile('by-number', ['org-2', 8], build);
    expect(build).toHaveBeenCalledTimes(1);
    const direct = byNumber('org-2', 8 as unknown as string).compile();
    expect(second.sql).toBe(direct.sql);
    expect(second.parameters).toEqual(direct.parameters);
    expect(second.parameters).toEqual(['constant', 'org-2', 8, 50]);
    expect(first.parameters).toEqual(['constant', 'org-1', 7, 50]);
    expect(templates.size).toBe(1);
  });

  it('binds an argument used twice in both places, and keeps shapes apart', () => {
    const templates = new QueryTemplates();
    const twice = (org: string) =>
      db.selectFrom('tasks').select('id').where('organization_id', '=', org).where('id', '=', org);
    expect(templates.compile('twice', ['a'], twice).parameters).toEqual(['a', 'a']);
    expect(templates.compile('by-number', ['b', 1], byNumber).parameters).toEqual([
      'constant',
      'b',
      1,
      50,
    ]);
    expect(templates.size).toBe(2);
  });

  it('refuses a builder that transforms, drops or inlines an argument', () => {
    const templates = new QueryTemplates();
    expect(() =>
      templates.compile('upper', ['a'], (org) =>
        db.selectFrom('tasks').select('id').where('organization_id', '=', org.toUpperCase()),
      ),
    ).toThrow(/must be bound as given/);
    expect(() =>
      templates.compile('dropped', ['a', 'b'], (org) =>
        db.selectFrom('tasks').select('id').where('organization_id', '=', org),
      ),
    ).toThrow(/must be bound as given \(1 not\)/);
    expect(() =>
      templates.compile('inlined', ['a'], (org) =>
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
