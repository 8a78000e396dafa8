// The database ceilings: pgbench replaying the statements a request was recorded sending
// (bench/harness/capture.ts), with the same connection count as the HTTP load, `-M extended` (the
// protocol node-postgres speaks for parameterized queries), `-j 2`, for the same duration.
//
// A script is the recorded SQL text verbatim, each `$n` a pgbench variable holding the recorded
// value — except the values that must change on every run of the script:
//   - ids the request generated (fresh rows): new time-ordered UUIDs from one SELECT … \gset
//     before the transaction (one extra round trip the application does not make);
//   - values a write returned and a later statement sends (a row's RETURNING): bound with \gset
//     on that statement, as the application reads them;
//   - strings that must be unique per request (Idempotency-Key): a fresh UUID, same SELECT;
//   - empty strings, which pgbench -D cannot define: '' from the same SELECT.
// A parameterless multi-statement command (`begin; select set_config(…)` in one simple-protocol
// round trip) cannot run in extended mode: the script sends its statements as one pipeline
// (\startpipeline … \endpipeline), which takes the same single round trip; so do the statements a
// pipelined transaction sent ahead of another (src/adapters/postgres/wire/pipeline.ts), with it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { READ_SCOPE_SQL } from '../../src/adapters/postgres/wire/tenant-scope.js';
import type { SentStatement } from './capture.js';
import { runCommand } from './processes.js';

/** pg's own serializer of parameters (Dates, arrays, objects, Buffers), as it sends them. */
const pgUtils = createRequire(import.meta.url)('pg/lib/utils') as {
  prepareValue: (value: unknown) => string | Buffer | null;
};

export interface PgbenchScript {
  readonly name: string;
  readonly text: string;
  /** `-D name=value` for every constant parameter. */
  readonly defines: Readonly<Record<string, string>>;
  /** Where the script departs from what the application sends. */
  readonly notes: readonly string[];
  /** Session settings (connection options `-c name=value`) the script runs under. */
  readonly settings: Readonly<Record<string, string>>;
  /** pgbench's --protocol: `extended` (parsed and planned every time) unless `prepared`. */
  readonly protocol?: 'extended' | 'prepared';
}

export interface ScriptOptions {
  /** Ids the application generated during the request (UUIDs of new rows). */
  readonly generatedIds?: ReadonlySet<string>;
  /** Other values that must be new on every run, mapped to the SQL that makes one. */
  readonly freshText?: ReadonlyMap<string, string>;
  /**
   * Settings the statements need but do not make themselves — the tenant scope a lone query
   * runs under (row-level security reads app.organization_id) — set for the whole session.
   */
  readonly settings?: Readonly<Record<string, string>>;
  /** `prepared`: each statement parsed and planned once per connection (-M prepared). */
  readonly protocol?: 'extended' | 'prepared';
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A time-ordered (version 7) UUID in SQL, as the application's ids are: PostgreSQL 15 has no uuidv7(). */
const UUID_V7_SQL =
  "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid";

/** The text pg puts on the wire for a parameter (null stays null). */
function wire(value: unknown): string | null {
  const prepared = pgUtils.prepareValue(value);
  if (prepared === null) return null;
  return Buffer.isBuffer(prepared) ? `\\x${prepared.toString('hex')}` : prepared;
}

/**
 * pgbench reads `:name` anywhere in a command as a variable — inside string literals too, such as
 * to_char's 'HH24:MI:SS'. Such a literal is rewritten as the same constant in escape-string
 * syntax, each colon as `\x3a` (E'HH24\x3aMI\x3aSS'): the server's lexer turns it back, so the
 * query and its plan are unchanged. Colons in comments become spaces. A `:name` elsewhere (not a
 * `::` cast) cannot be kept and throws.
 */
export function protectColons(text: string): { text: string; changed: boolean } {
  let out = '';
  let changed = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'") {
      let end = i + 1;
      for (;;) {
        const close = text.indexOf("'", end);
        if (close < 0) throw new Error('unterminated string literal in recorded SQL');
        if (text[close + 1] === "'") end = close + 2;
        else {
          end = close;
          break;
        }
      }
      const body = text.slice(i + 1, end);
      const escaped = /[eE]$/.test(out) && !/\w[eE]$/.test(out);
      if (body.includes(':')) {
        changed = true;
        const inner = (escaped ? body : body.replace(/\\/g, '\\\\')).replace(/:/g, '\\x3a');
        out += `${escaped ? '' : 'E'}'${inner}'`;
      } else {
        out += `'${body}'`;
      }
      i = end + 1;
    } else if (ch === '"') {
      const close = text.indexOf('"', i + 1);
      out += text.slice(i, close + 1);
      i = close + 1;
    } else if (text.startsWith('--', i)) {
      const close = text.indexOf('\n', i);
      const comment = text.slice(i, close < 0 ? text.length : close);
      out += comment.replace(/:/g, ' ');
      i += comment.length;
    } else if (text.startsWith('::', i)) {
      out += '::';
      i += 2;
    } else if (ch === ':' && /\w/.test(text[i + 1] ?? '')) {
      throw new Error(
        `recorded SQL has "${text.slice(i, i + 12)}…", which pgbench reads as a variable`,
      );
    } else {
      out += ch;
      i += 1;
    }
  }
  return { text: out, changed };
}

/** Splits a parameterless command at top-level semicolons (outside quotes). */
function splitStatements(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of text) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === ';') {
      if (current.trim() !== '') parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

const isWrite = (s: SentStatement) =>
  s.command === 'INSERT' || s.command === 'UPDATE' || s.command === 'DELETE';

/** Turns recorded statements into a pgbench script. */
export function pgbenchScript(
  name: string,
  statements: readonly SentStatement[],
  options: ScriptOptions = {},
): PgbenchScript {
  const generated = options.generatedIds ?? new Set<string>();
  const freshText = options.freshText ?? new Map<string, string>();
  const notes: string[] = [];
  const defines: Record<string, string> = {};
  /** Fresh values → variable, made by the SELECT … \gset at the top. */
  const fresh = new Map<string, { variable: string; sql: string }>();
  /** Values returned by earlier writes → variable set by \gset on that write. */
  const returned = new Map<string, string>();
  const gsetPrefix = new Map<number, string>();
  const lines: string[] = [];
  let constants = 0;
  let colonLiterals = 0;
  /** The statement's text with each `$n` a variable (or NULL) holding its recorded value. */
  const bound = (statement: Pick<SentStatement, 'text' | 'values'>): string => {
    const safe = protectColons(statement.text);
    if (safe.changed) colonLiterals += 1;
    return safe.text.replace(/\$(\d+)/g, (_match, digits: string) => {
      const value = statement.values[Number(digits) - 1];
      const onWire = wire(value);
      if (onWire === null) return 'NULL';
      if (generated.has(onWire) && !fresh.has(onWire)) {
        fresh.set(onWire, { variable: `fresh_${fresh.size + 1}`, sql: UUID_V7_SQL });
      }
      // pgbench -D takes no empty value: an empty string comes from the same SELECT.
      const freshSql = onWire === '' ? "''" : freshText.get(onWire);
      if (freshSql !== undefined && !fresh.has(onWire)) {
        fresh.set(onWire, { variable: `fresh_${fresh.size + 1}`, sql: freshSql });
      }
      const variable =
        fresh.get(onWire)?.variable ??
        returned.get(onWire) ??
        (() => {
          constants += 1;
          const constant = `c_${constants}`;
          defines[constant] = onWire;
          return constant;
        })();
      return `:${variable}`;
    });
  };
  statements.forEach((statement, index) => {
    if (statement.failed !== undefined) {
      throw new Error(`statement ${index} failed when recorded: ${statement.failed}`);
    }
    if (statement.values.length === 0 && splitStatements(statement.text).length > 1) {
      const parts = splitStatements(protectColons(statement.text).text);
      notes.push(
        `"${statement.text.replace(/\s+/g, ' ').slice(0, 50)}…": ${parts.length} statements the ` +
          'application sends as one simple-protocol query; pgbench sends them as one pipeline ' +
          '(the same single round trip; -M extended takes one statement per command)',
      );
      lines.push('\\startpipeline', ...parts.map((part) => `${part};`), '\\endpipeline');
      return;
    }
    if (statement.scope !== undefined) {
      if (!notes.some((n) => n.startsWith('one-trip reads'))) {
        notes.push(
          'one-trip reads: the scope statement and the statement in one pipeline ending in one ' +
            'Sync (one implicit transaction), as the application sends them',
        );
      }
      // An empty id ('' = none) written as the literal, not a variable made by an extra trip.
      const text = statement.scope.reduce<string>(
        (sqlText, value, i) => (value === '' ? sqlText.replace(`$${i + 1}`, "''") : sqlText),
        READ_SCOPE_SQL,
      );
      const scope = { text, values: statement.scope };
      lines.push('\\startpipeline', `${bound(scope)};`, `${bound(statement)};`, '\\endpipeline');
      return;
    }
    if (statement.ahead !== undefined && statement.ahead.length > 0) {
      if (!notes.some((n) => n.startsWith('pipelined'))) {
        notes.push(
          'pipelined statements: those a transaction held, then the statement they rode with, in ' +
            'one pipeline ending in one Sync, as the application sends them',
        );
      }
      lines.push(
        '\\startpipeline',
        ...statement.ahead.map((ahead) => `${bound(ahead)};`),
        `${bound(statement)};`,
        '\\endpipeline',
      );
      return;
    }
    const text = bound(statement);
    // What this statement hands to later ones (a write's RETURNING row).
    if (isWrite(statement) && statement.rowCount === 1 && statement.rows?.length === 1) {
      const prefix = `r${index}_`;
      let bound = false;
      for (const [column, value] of Object.entries(statement.rows[0]!)) {
        const onWire = wire(value);
        if (!VARIABLE.test(column) || onWire === null || fresh.has(onWire)) continue;
        if (returned.has(onWire)) continue;
        returned.set(onWire, `${prefix}${column}`);
        bound = true;
      }
      if (bound) gsetPrefix.set(lines.length, prefix);
    }
    lines.push(text);
  });

  const body = lines.map((line, i) => {
    const prefix = gsetPrefix.get(i);
    if (line.endsWith(';') || line.startsWith('\\')) return line;
    return prefix === undefined ? `${line};` : `${line} \\gset ${prefix}`;
  });
  if (colonLiterals > 0) {
    notes.push(
      `string literals with ":" (e.g. to_char's 'HH24:MI') in ${colonLiterals} statement(s) are ` +
        "written E'…\\x3a…' — the same constant — since pgbench reads :name as a variable",
    );
  }
  if (fresh.size > 0) {
    const columns = [...fresh.values()].map((f) => `${f.sql} AS ${f.variable}`).join(',\n       ');
    body.unshift(`SELECT ${columns} \\gset`);
    notes.push(
      `${fresh.size} value(s) (new ids, unique keys, empty strings) set per run of the script by ` +
        'one SELECT … \\gset before it (a round trip the application does not make)',
    );
  }
  const settings = options.settings ?? {};
  if (Object.keys(settings).length > 0) {
    notes.push(
      `runs with ${Object.entries(settings)
        .map(([k, v]) => `${k}='${v}'`)
        .join(', ')} as session settings (connection options), the scope the application sets ` +
        'with set_config in its transaction, so row-level security gives the same rows',
    );
  }
  return {
    name,
    text: `${body.join('\n')}\n`,
    defines,
    notes,
    settings,
    ...(options.protocol && { protocol: options.protocol }),
  };
}

/**
 * The settings a request's statements make with set_config before `upTo`, with their values
 * (literal or parameter): what a lone statement needs to see what the application sees.
 */
export function settingsBefore(
  statements: readonly SentStatement[],
  upTo: SentStatement,
): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const statement of statements) {
    if (statement === upTo) break;
    const calls = statement.text.matchAll(
      /set_config\(\s*'([\w.]+)'\s*,\s*(?:'((?:[^']|'')*)'|\$(\d+))\s*,\s*true\s*\)/gi,
    );
    for (const [, name, literal, parameter] of calls) {
      const value =
        literal !== undefined
          ? literal.replace(/''/g, "'")
          : wire(statement.values[Number(parameter) - 1]);
      settings[name!] = value ?? '';
    }
  }
  return settings;
}

/** The URL with `-c name=value` added to its connection options. */
export function withSettings(url: string, settings: Readonly<Record<string, string>>): string {
  if (Object.keys(settings).length === 0) return url;
  const parsed = new URL(url);
  const escape = (value: string) => value.replace(/([\\ ])/g, '\\$1');
  const options = [
    parsed.searchParams.get('options') ?? '',
    ...Object.entries(settings).map(([k, v]) => `-c ${k}=${escape(v)}`),
  ]
    .filter((o) => o !== '')
    .join(' ');
  parsed.searchParams.delete('options');
  const rest = parsed.toString();
  return `${rest}${parsed.search === '' ? '?' : '&'}options=${encodeURIComponent(options)}`;
}

export interface PgbenchResult {
  readonly tps: number;
  readonly latencyAverageMs: number;
  readonly transactions: number;
  readonly failed: number;
}

export interface PgbenchOptions {
  /** A libpq connection URI (options=-c role=… included, as the application connects). */
  readonly databaseUrl: string;
  readonly connections: number;
  readonly threads: number;
  readonly durationSeconds: number;
}

/** Runs pgbench on the script; rejects when a client aborts (the script is then wrong). */
export async function runPgbench(
  script: PgbenchScript,
  options: PgbenchOptions,
): Promise<PgbenchResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'teamflow-pgbench-'));
  try {
    const file = path.join(dir, `${script.name}.sql`);
    await writeFile(file, script.text);
    const args = [
      '--no-vacuum',
      `--protocol=${script.protocol ?? 'extended'}`,
      `--client=${options.connections}`,
      `--jobs=${Math.min(options.threads, options.connections)}`,
      `--time=${options.durationSeconds}`,
      `--file=${file}`,
      ...Object.entries(script.defines).flatMap(([k, v]) => ['--define', `${k}=${v}`]),
      withSettings(options.databaseUrl, script.settings),
    ];
    const { stdout, stderr } = await runCommand('pgbench', args);
    if (/aborted/i.test(stdout + stderr)) {
      throw new Error(`pgbench ${script.name}: a client aborted:\n${stderr.slice(-4000)}`);
    }
    const number = (pattern: RegExp) => {
      const match = pattern.exec(stdout);
      if (!match) throw new Error(`pgbench ${script.name}: no ${pattern} in:\n${stdout}`);
      return Number(match[1]);
    };
    return {
      tps: number(/tps = ([\d.]+) \(without initial connection time\)/),
      latencyAverageMs: number(/latency average = ([\d.]+) ms/),
      transactions: number(/number of transactions actually processed: (\d+)/),
      failed: /number of failed transactions: (\d+)/.exec(stdout)
        ? number(/number of failed transactions: (\d+)/)
        : 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
