// pino JSON logs; each line carries the active trace and span ids when tracing is on.
import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export function createLogger(options: {
  level: string;
  destination?: DestinationStream;
}): PinoLogger {
  return pino(
    {
      level: options.level,
      base: { service: 'teamflow' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const span = trace.getActiveSpan();
        if (!span) return {};
        const { traceId, spanId } = span.spanContext();
        return { trace_id: traceId, span_id: spanId };
      },
      redact: {
        paths: ['req.headers.authorization', 'password', 'token', 'refresh_token'],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}
