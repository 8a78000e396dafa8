// Configuration: defaults that run with nothing set, and one error naming every bad variable.
import { describe, expect, it } from 'vitest';
import { twilioOf } from '../../../src/bootstrap/config-sms.js';
import { ConfigError, loadConfig, PRODUCTION_ADMIN_PORT } from '../../../src/bootstrap/config.js';

function problemsOf(env: Record<string, string>, options?: Parameters<typeof loadConfig>[1]) {
  try {
    loadConfig(env, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs with no variables at all: embedded database, memory cache, port 3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: './data',
      MAX_SESSIONS_PER_USER: 3,
      JWT_ISSUER: 'teamflow',
      JWT_AUDIENCE: 'teamflow',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      CORS_ORIGINS: [],
      TRUST_PROXY: false,
      PUBLIC_URL: 'http://localhost:3000',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('sets the general rate limits on by default; 0 turns one off, a negative is refused', () => {
    expect(loadConfig({})).toMatchObject({
      RATE_LIMIT_PER_PRINCIPAL: 1200,
      RATE_LIMIT_PER_ADDRESS: 3000,
      RATE_LIMIT_WINDOW_SECONDS: 60,
    });
    expect(loadConfig({ RATE_LIMIT_PER_ADDRESS: '0' }).RATE_LIMIT_PER_ADDRESS).toBe(0);
    const problems = problemsOf({ RATE_LIMIT_PER_PRINCIPAL: '-1', RATE_LIMIT_WINDOW_SECONDS: '0' });
    expect(problems.join('\n')).toMatch(/RATE_LIMIT_PER_PRINCIPAL/);
    expect(problems.join('\n')).toMatch(/RATE_LIMIT_WINDOW_SECONDS/);
  });

  it('treats empty values as unset and parses lists and booleans', () => {
    const config = loadConfig({
      DATABASE_URL: '',
      CORS_ORIGINS: 'https://a.example, https://b.example,',
      TRUST_PROXY: 'true',
      PUBLIC_URL: 'https://app.example.com/',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(config.TRUST_PROXY).toBe(true);
    expect(config.PUBLIC_URL).toBe('https://app.example.com');
  });

  it('names every offending variable in one error, the production key included', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      PORT: 'abc',
      MAX_SESSIONS_PER_USER: '0',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
    });
    for (const name of [
      'PORT',
      'MAX_SESSIONS_PER_USER',
      'DATABASE_URL',
      'LOG_LEVEL',
      'JWT_PRIVATE_KEY',
      'UNSUBSCRIBE_SECRET',
    ]) {
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
  });

  it('does not ask the migrate tool for a signing key or a mail transport', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/teamflow',
      REDIS_URL: 'redis://cache:6379',
    };
    expect(problemsOf(production, { requireSigningKey: false, requireMail: false })).toEqual([]);
    expect(problemsOf(production)).toEqual([
      'JWT_PRIVATE_KEY: required when NODE_ENV=production (no generated dev key)',
      'UNSUBSCRIBE_SECRET: required when NODE_ENV=production (no dev secret)',
      'SMTP_URL: required when NODE_ENV=production, unless MAIL_TRANSPORT=log (mails only logged)',
    ]);
  });

  it('fails closed in production: no embedded database, no silent log mailer', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      JWT_PRIVATE_KEY: '{}',
      UNSUBSCRIBE_SECRET: 'x'.repeat(32),
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['DATABASE_URL', 'SMTP_URL', 'REDIS_URL']);
    // Even the migrate tool refuses to migrate an embedded database in production.
    expect(
      problemsOf(
        { NODE_ENV: 'production', CACHE_STORE: 'memory' },
        { requireSigningKey: false, requireMail: false },
      ),
    ).toEqual([
      'DATABASE_URL: required when NODE_ENV=production (the embedded database is for development)',
    ]);
  });

  it('picks the mail transport: smtp with SMTP_URL, log without; log only by name in production', () => {
    expect(loadConfig({}).MAIL_TRANSPORT).toBe('log');
    expect(loadConfig({ SMTP_URL: 'smtp://mail:25' }).MAIL_TRANSPORT).toBe('smtp');
    expect(loadConfig({ SMTP_URL: 'smtp://mail:25', MAIL_TRANSPORT: 'log' }).MAIL_TRANSPORT).toBe(
      'log',
    );
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/teamflow',
      JWT_PRIVATE_KEY: '{}',
      UNSUBSCRIBE_SECRET: 'x'.repeat(32),
      REDIS_URL: 'redis://cache:6379',
    };
    expect(loadConfig({ ...production, MAIL_TRANSPORT: 'log' }).MAIL_TRANSPORT).toBe('log');
    expect(loadConfig({ ...production, SMTP_URL: 'smtp://mail:25' }).MAIL_TRANSPORT).toBe('smtp');
    expect(problemsOf({ MAIL_TRANSPORT: 'smtp' })).toEqual(['MAIL_TRANSPORT: smtp needs SMTP_URL']);
    expect(problemsOf({ MAIL_TRANSPORT: 'carrier-pigeon' }).map((p) => p.split(':')[0])).toEqual([
      'MAIL_TRANSPORT',
    ]);
  });

  it('keeps the cache and the limits in Redis when given; per-process memory only by name in production', () => {
    expect(loadConfig({}).CACHE_STORE).toBe('memory');
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379' }).CACHE_STORE).toBe('redis');
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/teamflow',
      JWT_PRIVATE_KEY: '{}',
      UNSUBSCRIBE_SECRET: 'x'.repeat(32),
      MAIL_TRANSPORT: 'log',
    };
    expect(problemsOf(production)).toEqual([
      'REDIS_URL: required when NODE_ENV=production, unless CACHE_STORE=memory (one instance only)',
    ]);
    expect(loadConfig({ ...production, CACHE_STORE: 'memory' }).CACHE_STORE).toBe('memory');
    expect(problemsOf({ CACHE_STORE: 'redis' })).toEqual(['CACHE_STORE: redis needs REDIS_URL']);
  });

  it('dispatches events in process by default; off only with Redis, through which a worker reaches it', () => {
    expect(loadConfig({})).toMatchObject({
      WORKER_MODE: 'inline',
      WORKER_POLL_MS: 500,
      EVENT_RETENTION_DAYS: 7,
      WORKER_ADMIN_PORT: 9091,
    });
    expect(problemsOf({ WORKER_MODE: 'off' })).toEqual([
      expect.stringMatching(/^WORKER_MODE: off needs Redis/),
    ]);
    expect(
      problemsOf({ WORKER_MODE: 'off', REDIS_URL: 'redis://r:6379', CACHE_STORE: 'memory' }),
    ).toHaveLength(1);
    expect(loadConfig({ WORKER_MODE: 'off', REDIS_URL: 'redis://r:6379' }).WORKER_MODE).toBe('off');
    expect(problemsOf({ EVENT_RETENTION_DAYS: '0' }).map((p) => p.split(':')[0])).toEqual([
      'EVENT_RETENTION_DAYS',
    ]);
  });

  it('guards webhooks by default, a 10 s timeout under a longer lease, 5 days before disabling', () => {
    expect(loadConfig({})).toMatchObject({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: false,
      WEBHOOK_TIMEOUT_MS: 10_000,
      WEBHOOK_LEASE_SECONDS: 60,
      WEBHOOK_DISABLE_AFTER_DAYS: 5,
      WEBHOOK_SECRET_OVERLAP_HOURS: 24,
    });
    expect(
      loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }).WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    ).toBe(true);
    expect(problemsOf({ WEBHOOK_TIMEOUT_MS: '20000', WEBHOOK_LEASE_SECONDS: '20' })).toEqual([
      expect.stringMatching(/^WEBHOOK_LEASE_SECONDS: must be longer than WEBHOOK_TIMEOUT_MS/),
    ]);
  });

  it('takes LOG_FORMAT json or pretty, unset by default', () => {
    expect(loadConfig({}).LOG_FORMAT).toBeUndefined();
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(problemsOf({ LOG_FORMAT: 'yaml' }).map((p) => p.split(':')[0])).toEqual(['LOG_FORMAT']);
  });

  it('throttles logins and identity mail by default, the proxy hops left unset', () => {
    expect(loadConfig({})).toMatchObject({
      LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP: 5,
      LOGIN_MAX_FAILURES_PER_IP: 50,
      LOGIN_FAILURE_WINDOW_SECONDS: 900,
      LOGIN_MAX_FAILURES_PER_EMAIL_PER_MINUTE: 10,
      AUTH_MAIL_MAX_PER_IP: 20,
      AUTH_MAIL_MAX_PER_RECIPIENT: 5,
      AUTH_MAIL_WINDOW_SECONDS: 3600,
    });
    expect(loadConfig({}).TRUST_PROXY_HOPS).toBeUndefined();
  });

  it('takes TRUST_PROXY_HOPS from 1 to 20', () => {
    expect(loadConfig({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '2' }).TRUST_PROXY_HOPS).toBe(2);
    for (const hops of ['0', '21', 'two']) {
      expect(problemsOf({ TRUST_PROXY_HOPS: hops }).map((p) => p.split(':')[0])).toEqual([
        'TRUST_PROXY_HOPS',
      ]);
    }
  });

  describe('ADMIN_PORT', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/teamflow',
      JWT_PRIVATE_KEY: '{}',
      UNSUBSCRIBE_SECRET: 'x'.repeat(32),
      REDIS_URL: 'redis://cache:6379',
      MAIL_TRANSPORT: 'log',
    };

    it('is unset outside production: the operations stay on PORT', () => {
      expect(loadConfig({}).ADMIN_PORT).toBeUndefined();
      expect(loadConfig({ NODE_ENV: 'test' }).ADMIN_PORT).toBeUndefined();
      expect(loadConfig({ ADMIN_PORT: '' }).ADMIN_PORT).toBeUndefined();
      expect(loadConfig({ ADMIN_PORT: '9100' }).ADMIN_PORT).toBe(9100);
    });

    it('is 9090 in production unless set', () => {
      expect(PRODUCTION_ADMIN_PORT).toBe(9090);
      expect(loadConfig(production).ADMIN_PORT).toBe(9090);
      expect(loadConfig({ ...production, ADMIN_PORT: '9464' }).ADMIN_PORT).toBe(9464);
    });

    it('refuses the API’s own port, the production default included, naming the way out', () => {
      expect(problemsOf({ PORT: '8080', ADMIN_PORT: '8080' })).toEqual([
        'ADMIN_PORT: 8080 is PORT too: the operational endpoints need a port of their own, set ADMIN_PORT to another one',
      ]);
      expect(problemsOf({ ...production, PORT: '9090' })).toEqual([
        'ADMIN_PORT: 9090 (the production default) is PORT too: the operational endpoints need a port of their own, set ADMIN_PORT to another one',
      ]);
      expect(loadConfig({ ...production, PORT: '9090', ADMIN_PORT: '9091' }).ADMIN_PORT).toBe(9091);
    });

    it('takes 0 for any free port, beside PORT=0 too; refuses what is not a port', () => {
      expect(loadConfig({ PORT: '0', ADMIN_PORT: '0' })).toMatchObject({ PORT: 0, ADMIN_PORT: 0 });
      for (const value of ['-1', '65536', 'admin', '90.5']) {
        expect(
          problemsOf({ ADMIN_PORT: value }).map((p) => p.split(':')[0]),
          value,
        ).toEqual(['ADMIN_PORT']);
      }
    });
  });
});

describe('SMS settings', () => {
  const twilio = {
    TWILIO_ACCOUNT_SID: `AC${'0a'.repeat(16)}`,
    TWILIO_AUTH_TOKEN: 'secret-token',
    TWILIO_FROM_NUMBER: '+15005550006',
  };

  it('logs SMS unless Twilio is set; notifications by email on, by SMS off', () => {
    const config = loadConfig({});
    expect(twilioOf(config)).toBeUndefined();
    expect(config).toMatchObject({
      ENABLE_EMAIL_NOTIFICATIONS: true,
      ENABLE_SMS_NOTIFICATIONS: false,
      TWILIO_BASE_URL: 'https://api.twilio.com',
      TWILIO_TIMEOUT_MS: 10_000,
      PHONE_CODES_PER_USER: 5,
      PHONE_CODES_PER_NUMBER: 5,
      PHONE_CODE_WINDOW_SECONDS: 3600,
    });
  });

  it('sends through Twilio when all three of its settings are given', () => {
    const config = loadConfig({ ...twilio, TWILIO_BASE_URL: 'http://127.0.0.1:4010' });
    expect(twilioOf(config)).toEqual({
      accountSid: twilio.TWILIO_ACCOUNT_SID,
      authToken: 'secret-token',
      from: '+15005550006',
      baseUrl: 'http://127.0.0.1:4010',
      timeoutMs: 10_000,
    });
  });

  it('refuses half a Twilio setup, naming what is missing and what is set', () => {
    expect(problemsOf({ TWILIO_ACCOUNT_SID: twilio.TWILIO_ACCOUNT_SID })).toEqual([
      'TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER: missing while TWILIO_ACCOUNT_SID is set; Twilio needs all three of TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER (or none: SMS is then logged, not sent)',
    ]);
    const { TWILIO_FROM_NUMBER: _left, ...twoOfThree } = twilio;
    expect(problemsOf(twoOfThree)).toEqual([
      'TWILIO_FROM_NUMBER: missing while TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN are set; Twilio needs all three of TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER (or none: SMS is then logged, not sent)',
    ]);
  });

  it('refuses an account SID, a sending number or a switch that cannot be one', () => {
    const problems = problemsOf({
      ...twilio,
      TWILIO_ACCOUNT_SID: 'SK0123',
      TWILIO_FROM_NUMBER: '0612345678',
      ENABLE_SMS_NOTIFICATIONS: 'maybe',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ENABLE_SMS_NOTIFICATIONS',
      'TWILIO_ACCOUNT_SID',
      'TWILIO_FROM_NUMBER',
    ]);
    expect(problems.join('\n')).toContain('must be an E.164 number');
  });

  it('refuses SMS notifications in production that would only be logged', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_PRIVATE_KEY: 'k',
      UNSUBSCRIBE_SECRET: 'x'.repeat(32),
      DATABASE_URL: 'postgres://db/teamflow',
      MAIL_TRANSPORT: 'log',
      CACHE_STORE: 'memory',
    };
    expect(problemsOf({ ...production, ENABLE_SMS_NOTIFICATIONS: 'true' })).toEqual([
      'ENABLE_SMS_NOTIFICATIONS: true needs Twilio (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER) when NODE_ENV=production; without it SMS would only be logged',
    ]);
    expect(problemsOf({ ...production, ENABLE_SMS_NOTIFICATIONS: 'true', ...twilio })).toEqual([]);
    expect(
      loadConfig({ ENABLE_SMS_NOTIFICATIONS: 'yes', ENABLE_EMAIL_NOTIFICATIONS: '0' }),
    ).toMatchObject({
      ENABLE_SMS_NOTIFICATIONS: true,
      ENABLE_EMAIL_NOTIFICATIONS: false,
    });
  });
});
