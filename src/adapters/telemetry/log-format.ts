// How log lines are written: JSON lines (what a log collector reads) or pino-pretty's coloured
// one-liners (what a person at a terminal reads). LOG_FORMAT decides; unset, a development
// process writing to a terminal is pretty and everything else JSON.
import type { DestinationStream } from 'pino';

export type LogFormat = 'json' | 'pretty';

export function chooseLogFormat(options: {
  readonly format: LogFormat | undefined;
  readonly nodeEnv: string;
  readonly isTty: boolean;
}): LogFormat {
  if (options.format) return options.format;
  return options.nodeEnv === 'development' && options.isTty ? 'pretty' : 'json';
}

/**
 * Where pino writes: stdout as is for JSON; through pino-pretty (loaded only then) for pretty.
 * Synchronous, in process (no worker thread): the last lines before an exit are not lost.
 */
export async function logDestination(
  format: LogFormat,
  options: { readonly colorize: boolean; readonly destination?: NodeJS.WritableStream } = {
    colorize: false,
  },
): Promise<DestinationStream | undefined> {
  if (format === 'json') return undefined;
  const { PinoPretty } = await import('pino-pretty');
  return PinoPretty({
    colorize: options.colorize,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    ...(options.destination && { destination: options.destination }),
  });
}
