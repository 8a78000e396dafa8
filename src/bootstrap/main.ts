// The API process: config, tracing (before anything it instruments is loaded), compose, listen, signals.
import { ConfigError, loadConfig, type Config } from './config.js';

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

const app = await compose(config);
await app.start();

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
