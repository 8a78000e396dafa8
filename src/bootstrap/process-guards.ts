// What the API and the worker processes do alike when they cannot start, and with an error
// nothing caught.
import type { Logger as PinoLogger } from 'pino';
import { isDatabaseUnavailable } from '../adapters/postgres/errors.js';
import { ConfigError, loadConfig, type Config } from './config.js';

/** A start that cannot go on: one line saying what and what to do, exit 1 (no stack trace). */
export function refuseToStart(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** The configuration, or exit 1 naming every offending variable. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) refuseToStart(error.message);
    throw error;
  }
}

/**
 * The net under the driver: every pg client listens to its own 'error' (postgres/
 * lost-connections.ts), so a restart of PostgreSQL ends connections, not the process. Should a
 * driver error still escape, it is logged and the pool reconnects; any other uncaught exception
 * leaves the process in a state nobody knows, so it exits (the orchestrator restarts it).
 */
export function guardProcess(logger: PinoLogger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection');
  });
  process.on('uncaughtException', (error) => {
    if (isDatabaseUnavailable(error)) {
      logger.error({ err: error }, 'uncaught database connection error; carrying on');
      return;
    }
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
}
