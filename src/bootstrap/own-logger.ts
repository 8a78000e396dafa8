// The process's logger when no test hands one in: JSON lines, or pretty in a development terminal
// (LOG_FORMAT overrides).
import type { Logger as PinoLogger } from 'pino';
import { chooseLogFormat, logDestination } from '../adapters/telemetry/log-format.js';
import { createLogger } from '../adapters/telemetry/logger.js';
import type { Config } from './config.js';

export async function ownLogger(config: Config): Promise<PinoLogger> {
  const isTty = process.stdout.isTTY === true;
  const format = chooseLogFormat({ format: config.LOG_FORMAT, nodeEnv: config.NODE_ENV, isTty });
  const destination = await logDestination(format, { colorize: isTty });
  return createLogger({ level: config.LOG_LEVEL, ...(destination && { destination }) });
}
