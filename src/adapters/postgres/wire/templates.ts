// Statements built by Kysely once per shape. Building and compiling a select with a dozen joined
// columns costs the event loop more than PostgreSQL spends running it (a tenth of the main
// thread on a read by key, in bench/profile.ts's terms); the text depends only on the shape of
// the query (which filters, which sort, which options), not on the values it binds. A template
// is built once with markers standing for its arguments and compiled; each later call puts its
// arguments where the markers were among the parameters.
//
// The key a compiled statement is kept under is derived, never written by hand: the shape object
// (every option the builder branches on, serialised canonically, keys sorted), the number of
// arguments and, for rows, the number of rows. Under test (NODE_ENV=test) every call builds again
// and fails when the SQL differs from the kept one: a builder that branches on something missing
// from its shape is caught the first time two calls disagree.
import { CompiledQuery, type Compilable } from 'kysely';

const MARK = '\u0000tf-template-argument:';

/** What a shape is made of: plain values, serialised canonically into the template's key. */
export type ShapeValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly ShapeValue[]
  | { readonly [option: string]: ShapeValue };
/** The options a builder branches on, e.g. `{ query: 'find', by: 'id', withWorkflow: true }`. */
export type Shape = { readonly [option: string]: ShapeValue };

interface Compiled {
  readonly sql: string;
  /** Per parameter: the argument at that index, or a value the shape itself binds. */
  readonly slots: readonly (number | { readonly value: unknown })[];
}

const isList = (value: ShapeValue): value is readonly ShapeValue[] => Array.isArray(value);

/** JSON with every object's keys sorted (undefined options left out, as JSON does). */
export function canonicalShape(value: ShapeValue): string {
  if (isList(value)) return `[${value.map((item) => canonicalShape(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    // Runs on every templated statement: a plain loop over the sorted keys, no entry arrays.
    const keys = Object.keys(value).sort();
    let text = '{';
    for (const key of keys) {
      const option = value[key];
      if (option === undefined) continue;
      if (text.length > 1) text += ',';
      text += `${JSON.stringify(key)}:${canonicalShape(option)}`;
    }
    return `${text}}`;
  }
  // Numbers and the rest as JSON writes them (a non-finite number is null, as in JSON.stringify,
  // so that the two spellings of a shape in QueryTemplates agree).
  return JSON.stringify(value ?? null);
}

/** Spellings remembered before the map is started again (shapes are few; this is a backstop). */
const MAX_SPELLINGS = 10_000;

export class QueryTemplates {
  readonly #compiled = new Map<string, Compiled>();
  /**
   * The same statements by their shape's plain JSON (keys in the order the caller wrote them):
   * JSON.stringify is native and far cheaper than canonicalShape, so a call looks its statement
   * up by that first. Two spellings of one shape are two entries here and one statement in
   * #compiled; the canonical key stays the one a statement is compiled and verified under.
   */
  readonly #bySpelling = new Map<string, { readonly key: string; readonly compiled: Compiled }>();
  readonly #verify: boolean;

  /** `verify`: build on every call and compare (default: under test). */
  constructor(options: { readonly verify?: boolean } = {}) {
    this.#verify = options.verify ?? process.env.NODE_ENV === 'test';
  }

  /**
   * The statement of shape `shape` with `args` bound. `build` receives a marker per argument,
   * typed as the argument, and must pass each, unchanged, as a value to bind: whatever branches on
   * a value or transforms it belongs in the shape (and its result among the arguments). The first
   * build checks that every marker came through as a parameter, untouched, and that none is in
   * the SQL text.
   */
  compile<A extends readonly unknown[], R>(
    shape: Shape,
    args: A,
    build: (...params: NoInfer<[...A]>) => Compilable<R>,
  ): CompiledQuery<R> {
    return this.#bind(shape, `/${args.length}`, args, () => build(...markersFor(args)));
  }

  /**
   * A statement over rows (a multi-row INSERT): `build` receives a row of markers per row, each
   * typed as the row. Compiled once per shape and number of rows.
   */
  compileRows<Row extends readonly unknown[], R>(
    shape: Shape,
    rows: readonly Row[],
    build: (rows: readonly Row[]) => Compilable<R>,
  ): CompiledQuery<R> {
    const width = rows[0]?.length ?? 0;
    if (rows.some((row) => row.length !== width)) throw new Error('Rows of one width only');
    return this.#bind(shape, `/${rows.length}x${width}`, rows.flat(), () =>
      build(rows.map((row, i) => markersFor(row, i * width))),
    );
  }

  /** How many shapes have been compiled (for tests). */
  get size(): number {
    return this.#compiled.size;
  }

  #bind<R>(
    shape: Shape,
    arity: string,
    args: readonly unknown[],
    build: () => Compilable<R>,
  ): CompiledQuery<R> {
    const spelling = `${JSON.stringify(shape)}${arity}`;
    let known = this.#bySpelling.get(spelling);
    let fresh = false;
    if (known === undefined) {
      const key = `${canonicalShape(shape)}${arity}`;
      let compiled = this.#compiled.get(key);
      if (compiled === undefined) {
        compiled = compileOnce(key, args.length, build);
        this.#compiled.set(key, compiled);
        fresh = true;
      }
      if (this.#bySpelling.size >= MAX_SPELLINGS) this.#bySpelling.clear();
      known = { key, compiled };
      this.#bySpelling.set(spelling, known);
    }
    const { key, compiled } = known;
    if (this.#verify && !fresh) {
      const again = compileOnce(key, args.length, build);
      if (again.sql !== compiled.sql || !sameSlots(again.slots, compiled.slots)) {
        throw new Error(
          `Query template ${key}: one shape built two statements; an option the builder ` +
            'branches on is missing from its shape',
        );
      }
    }
    const parameters = compiled.slots.map((slot) =>
      typeof slot === 'number' ? args[slot] : slot.value,
    );
    return CompiledQuery.raw(compiled.sql, parameters);
  }
}

const sameSlots = (a: Compiled['slots'], b: Compiled['slots']) =>
  a.length === b.length &&
  a.every((slot, i) => {
    const other = b[i];
    if (typeof slot === 'number' || typeof other === 'number') return slot === other;
    return JSON.stringify(slot.value) === JSON.stringify(other?.value);
  });

/**
 * Markers standing for `args` (the first at index `from` of the statement's arguments), typed as
 * the arguments: the one place a marker passes for an argument of another type. Each is a string
 * whatever its argument's type, which is harmless only because compileOnce refuses a builder
 * that used one as anything but a value to bind.
 */
function markersFor<A extends readonly unknown[]>(args: A, from = 0): A {
  return args.map((_, i) => `${MARK}${from + i}`) as unknown as A;
}

function compileOnce(key: string, arity: number, build: () => Compilable<unknown>): Compiled {
  const { sql, parameters } = build().compile();
  const slots = parameters.map((p) =>
    typeof p === 'string' && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : { value: p },
  );
  const bound = new Set(slots.filter((slot) => typeof slot === 'number'));
  const missing = Array.from({ length: arity }, (_, i) => i).filter((i) => !bound.has(i));
  if (missing.length > 0 || sql.includes(MARK)) {
    throw new Error(
      `Query template ${key}: every argument must be bound as given (${missing.length} not)`,
    );
  }
  return { sql, slots };
}
