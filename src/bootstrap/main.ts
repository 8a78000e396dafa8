// The API process: config, tracing (before anything it instruments is loaded), compose, listen, signals.
import { isDatabaseUnavailable } from '../adapters/postgres/errors.js';
import { FolderInUseError } from '../adapters/system/folder-lock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { listenProblem } from './listen-problem.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const config = configOrExit();
const tracing = config.OTEL_EXPORTER_OTLP_ENDPOINT
  ? await (
      await import('../adapters/telemetry/tracing.js')
    ).startTracing({
      endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: 'teamflow-api',
      serviceVersion: (await import('./version.js')).VERSION,
    })
  : undefined;
const { compose } = await import('./compose.js');

/** A start that cannot go on: one line saying what and what to do, exit 1 (no stack trace). */
function refuseToStart(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const app = await compose(config).catch((error: unknown) => {
  if (error instanceof FolderInUseError) refuseToStart(error.message);
  throw error;
});
await app.start().catch(async (error: unknown) => {
  const problem = listenProblem(error, config);
  if (problem === undefined) throw error;
  await app.stop(); // lets go of what compose took (the data folder's lock, connections)
  refuseToStart(problem);
});

// The net under the driver: every pg client listens to its own 'error' (postgres/
// lost-connections.ts), so a restart of PostgreSQL ends connections, not the process. Should a
// driver error still escape, it is logged and the pool reconnects; any other uncaught exception
// leaves the process in a state nobody knows, so it exits (the orchestrator restarts it).
// Installed once listening: a failed start still ends the process as before.
process.on('unhandledRejection', (reason) => {
  app.logger.error({ err: reason }, 'unhandled rejection');
});
process.on('uncaughtException', (error) => {
  if (isDatabaseUnavailable(error)) {
    app.logger.error({ err: error }, 'uncaught database connection error; carrying on');
    return;
  }
  app.logger.fatal({ err: error }, 'uncaught exception; exiting');
  process.exit(1);
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.logger.info({ signal }, 'shutting down');
  await app.stop();
  await tracing?.shutdown();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
