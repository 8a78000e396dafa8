// Statements built by Kysely once per shape. Building and compiling a select with a dozen joined
// columns costs the event loop more than PostgreSQL spends running it (a tenth of the main
// thread on a read by key, in bench/profile.ts's terms); the text depends only on the shape of
// the query (which filters, which sort, which options), not on the values it binds. A template
// is built once with markers standing for its arguments and compiled; each later call puts its
// arguments where the markers were among the parameters.
import { CompiledQuery, type Compilable } from 'kysely';

const MARK = '\u0000tf-template-argument:';

interface Compiled {
  readonly sql: string;
  /** Per parameter: the argument at that index, or a value the shape itself binds. */
  readonly slots: readonly (number | { readonly value: unknown })[];
}

export class QueryTemplates {
  readonly #compiled = new Map<string, Compiled>();

  /**
   * The statement of shape `shape` with `args` bound. `build` receives a marker per argument and
   * must pass each, unchanged, as a value to bind: whatever branches on a value or transforms it
   * belongs in the shape (and its result among the arguments). The first build checks that every
   * marker came through as a parameter, untouched, and that none is in the SQL text.
   */
  compile<R>(
    shape: string,
    args: readonly unknown[],
    build: (...markers: string[]) => Compilable<R>,
  ): CompiledQuery<R> {
    let compiled = this.#compiled.get(shape);
    if (compiled === undefined) {
      compiled = compileOnce(shape, args.length, build);
      this.#compiled.set(shape, compiled);
    }
    const parameters = compiled.slots.map((slot) =>
      typeof slot === 'number' ? args[slot] : slot.value,
    );
    return CompiledQuery.raw(compiled.sql, parameters);
  }

  /** How many shapes have been compiled (for tests). */
  get size(): number {
    return this.#compiled.size;
  }
}

function compileOnce(
  shape: string,
  arity: number,
  build: (...markers: string[]) => Compilable<unknown>,
): Compiled {
  const markers = Array.from({ length: arity }, (_, i) => `${MARK}${i}`);
  const { sql, parameters } = build(...markers).compile();
  const slots = parameters.map((p) =>
    typeof p === 'string' && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : { value: p },
  );
  const bound = new Set(slots.filter((slot) => typeof slot === 'number'));
  const missing = markers.filter((_, i) => !bound.has(i));
  if (missing.length > 0 || sql.includes(MARK)) {
    throw new Error(
      `Query template ${shape}: every argument must be bound as given (${missing.length} not)`,
    );
  }
  return { sql, slots };
}
