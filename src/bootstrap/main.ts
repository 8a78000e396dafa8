// The API process: config, tracing (before anything it instruments is loaded), compose, listen, signals.
import { FolderInUseError } from '../adapters/system/folder-lock.js';
import { listenProblem } from './listen-problem.js';
import { configOrExit, guardProcess, refuseToStart } from './process-guards.js';

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

// Installed once listening: a failed start still ends the process as before.
guardProcess(app.logger);

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
