// What the process says when it cannot listen, and how it writes its logs.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chooseLogFormat, logDestination } from '../../../src/adapters/telemetry/log-format.js';
import { createLogger } from '../../../src/adapters/telemetry/logger.js';
import { listenProblem } from '../../../src/bootstrap/listen-problem.js';

describe('listenProblem', () => {
  const address = { PORT: 3000, HOST: '0.0.0.0' };

  it('names the port and the way out for an address in use or out of reach', () => {
    expect(listenProblem({ code: 'EADDRINUSE' }, address)).toBe(
      'Cannot listen: port 3000 on 0.0.0.0 is already in use (another TeamFlow, or another server): stop it, or set PORT to a free port',
    );
    expect(listenProblem({ code: 'EACCES' }, { PORT: 80, HOST: '0.0.0.0' })).toMatch(
      /port 80 .* set PORT to 1024 or above/,
    );
    expect(listenProblem({ code: 'EADDRNOTAVAIL' }, address)).toMatch(/set HOST/);
  });

  it('names ADMIN_PORT when the admin listener’s port is the one refused', () => {
    const both = { ...address, ADMIN_PORT: 9090 };
    expect(listenProblem({ code: 'EADDRINUSE', port: 9090 }, both)).toBe(
      'Cannot listen: port 9090 on 0.0.0.0 is already in use (another TeamFlow, or another server): stop it, or set ADMIN_PORT to a free port',
    );
    expect(listenProblem({ code: 'EACCES', port: 9090 }, both)).toMatch(
      /port 9090 .* set ADMIN_PORT to 1024 or above/,
    );
    expect(listenProblem({ code: 'EADDRINUSE', port: 3000 }, both)).toMatch(
      /port 3000 .* set PORT to a free port/,
    );
  });

  it('leaves any other error alone (it keeps its stack trace)', () => {
    expect(listenProblem(new Error('boom'), address)).toBeUndefined();
    expect(listenProblem(undefined, address)).toBeUndefined();
  });
});

describe('log format', () => {
  it('is pretty only for a development terminal unless LOG_FORMAT says', () => {
    expect(chooseLogFormat({ format: undefined, nodeEnv: 'development', isTty: true })).toBe(
      'pretty',
    );
    expect(chooseLogFormat({ format: undefined, nodeEnv: 'development', isTty: false })).toBe(
      'json',
    );
    expect(chooseLogFormat({ format: undefined, nodeEnv: 'production', isTty: true })).toBe('json');
    expect(chooseLogFormat({ format: undefined, nodeEnv: 'test', isTty: true })).toBe('json');
    expect(chooseLogFormat({ format: 'json', nodeEnv: 'development', isTty: true })).toBe('json');
    expect(chooseLogFormat({ format: 'pretty', nodeEnv: 'production', isTty: false })).toBe(
      'pretty',
    );
  });

  it('writes pretty lines through pino-pretty, and leaves JSON to pino', async () => {
    expect(await logDestination('json')).toBeUndefined();
    const out = new PassThrough();
    let text = '';
    out.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const destination = await logDestination('pretty', { colorize: false, destination: out });
    const logger = createLogger({ level: 'info', ...(destination && { destination }) });
    logger.info({ port: 3000 }, 'listening');
    expect(text).toMatch(/INFO.*listening/);
    expect(text).toMatch(/port: 3000/);
    expect(() => JSON.parse(text.split('\n')[0] ?? '')).toThrow();
  });
});
