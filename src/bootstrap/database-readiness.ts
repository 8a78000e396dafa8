// PostgreSQL at start: reachable, the database there, its migrations applied. Until all three hold,
// the process serves liveness, readiness answers 503, the API answers 503 with Retry-After, and the
// check runs again with backoff; the log says what is wrong (never the password) and what to do.
// The embedded database migrates itself at start and never needs this.
import type { Logger as PinoLogger } from 'pino';
import { pingDatabase } from '../adapters/postgres/connect.js';
import type { Db } from '../adapters/postgres/database.js';
import { isDatabaseUnavailable } from '../adapters/postgres/errors.js';
import { migrationState } from '../adapters/postgres/migrator.js';

/** Where the URL points, for the log: host, port, database and user, never the password. */
export function describeTarget(databaseUrl: string): {
  where: string;
  database: string;
  user: string;
} {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  return {
    where: `${url.hostname || 'localhost'}:${url.port || '5432'}`,
    database,
    user: decodeURIComponent(url.username) || '(default user)',
  };
}

/**
 * What is wrong, in one line an operator can act on; undefined when the database is ready. The
 * checks run as the application role, as every request does.
 */
export async function databaseProblem(db: Db, databaseUrl: string): Promise<string | undefined> {
  const { where, database, user } = describeTarget(databaseUrl);
  try {
    await pingDatabase(db);
    const { pending } = await migrationState(db);
    if (pending.length === 0) return undefined;
    return (
      `${pending.length} migration(s) not applied to database "${database}" at ${where} ` +
      `(first: ${pending[0]}): run \`npm run migrate\` with the same DATABASE_URL`
    );
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code === '3D000') {
      return (
        `database "${database}" does not exist at ${where}: create it ` +
        `(\`createdb ${database}\`), then run \`npm run migrate\``
      );
    }
    if (code === '28P01' || code === '28000') {
      return `PostgreSQL at ${where} refused user "${user}": check DATABASE_URL's user and password`;
    }
    if (typeof message === 'string' && /^role ".*" does not exist$/.test(message)) {
      return `${message} at ${where}: run \`npm run migrate\` (it creates the application role)`;
    }
    if (isDatabaseUnavailable(error)) {
      const reason = typeof code === 'string' ? code : 'no answer';
      return `PostgreSQL at ${where} is not reachable (${reason}): is it running, and is DATABASE_URL's host and port right?`;
    }
    const detail = [typeof code === 'string' ? code : '', String(message)].join(' ').trim();
    return `database "${database}" at ${where} is not usable: ${detail}`;
  }
}

export interface ReadinessOptions {
  /** Resolves with the problem, or undefined once the database is ready. */
  readonly check: () => Promise<string | undefined>;
  readonly logger: PinoLogger;
  /** Waits this long; the system's timer unless a test drives it. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface DatabaseReadiness {
  isReady(): boolean;
  /** Resolves once the first check has answered, ready or not: a start waits for it. */
  readonly firstChecked: Promise<void>;
  /** Resolves once ready, or once stopped. */
  readonly settled: Promise<void>;
  /** Checks again now rather than at the end of the current delay (readiness is being asked). */
  poke(): void;
  /** Stops retrying (a stop before the database came up). */
  stop(): void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Checks now, then again with doubling delays (capped) until the database is ready. */
export function watchDatabaseReadiness(options: ReadinessOptions): DatabaseReadiness {
  const { check, logger, sleep = realSleep } = options;
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 10_000;
  let ready = false;
  let stopped = false;
  let wake = () => undefined as void;
  let markFirstChecked = () => undefined as void;
  const firstChecked = new Promise<void>((resolve) => (markFirstChecked = resolve));

  async function run(): Promise<void> {
    let delay = initial;
    for (let attempt = 1; !stopped; attempt += 1) {
      const problem = await check().catch((error: unknown) => `check failed: ${String(error)}`);
      markFirstChecked();
      if (stopped) return;
      if (problem === undefined) {
        ready = true;
        if (attempt > 1) logger.info({ attempt }, 'database ready');
        return;
      }
      logger.error(
        { attempt, retry_in_ms: delay },
        `database not ready: ${problem}; API answers 503 meanwhile, retrying in ${delay} ms`,
      );
      await Promise.race([sleep(delay), new Promise<void>((resolve) => (wake = resolve))]);
      delay = Math.min(max, delay * 2);
    }
  }

  const settled = run().finally(markFirstChecked);
  return {
    isReady: () => ready,
    firstChecked,
    settled,
    poke: () => wake(),
    stop() {
      stopped = true;
      wake();
    },
  };
}
