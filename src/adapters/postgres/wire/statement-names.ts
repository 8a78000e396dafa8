// Names of prepared statements on PostgreSQL: every statement with parameters is a named prepared
// statement of its connection, so PostgreSQL parses and plans it once per connection (the task
// list's ~0.45 ms of planning, the dozen statements of a create). Names are a hash of the text; a
// connection holds at most STATEMENTS_PER_CONNECTION of them, beyond which statements are parsed
// every time.
import { createHash } from 'node:crypto';
import type pg from 'pg';

/** Prepared statements a connection may hold; beyond it, statements are parsed every time. */
const STATEMENTS_PER_CONNECTION = 200;
const preparedCount = new WeakMap<pg.PoolClient, Set<string>>();
const names = new Map<string, string>();

/**
 * The name of `text`'s prepared statement on this client, or undefined (parse it every time) once
 * the client holds its share. The application sends a few hundred shapes at most (each list
 * filter combination is one, each label count of an insert another).
 */
export function statementName(client: pg.PoolClient, text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined) {
    name = `tf_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`;
    if (names.size < 10_000) names.set(text, name);
  }
  let held = preparedCount.get(client);
  if (!held) {
    held = new Set();
    preparedCount.set(client, held);
  }
  if (held.has(name)) return name;
  if (held.size >= STATEMENTS_PER_CONNECTION) return undefined;
  held.add(name);
  return name;
}
