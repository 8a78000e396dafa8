// What compose hands the identity use cases: the access-token service (the configured signing
// keys, or a development key kept under DATA_DIR), the password hasher, and the throttles of
// failed logins and of identity mail.
import path from 'node:path';
import type { Deps } from '../application/deps.js';
import type { Clock, RateLimiter } from '../application/shared/ports.js';
import {
  argon2PasswordHasher,
  OWASP_ARGON2_PARAMS,
  type Argon2Params,
} from '../adapters/security/argon2-password-hasher.js';
import { joseAccessTokens } from '../adapters/security/jose-access-tokens.js';
import {
  loadOrCreateDevJwk,
  parsePublicJwks,
  parseSigningKeys,
} from '../adapters/security/jwt-keys.js';
import type { Metrics } from '../adapters/telemetry/metrics.js';
import type { Config } from './config.js';

type Limiter = (keyPrefix: string, points: number, durationSeconds?: number) => RateLimiter;

export async function accessTokenService(config: Config, clock: Clock) {
  // The first key signs; the older ones (rotated out, still in either variable) only verify.
  const signingKeys = config.JWT_PRIVATE_KEY
    ? parseSigningKeys(config.JWT_PRIVATE_KEY)
    : { signing: await loadOrCreateDevJwk(path.resolve(config.DATA_DIR)), previous: [] };
  return joseAccessTokens({
    privateJwk: signingKeys.signing,
    previousJwks: [
      ...signingKeys.previous,
      ...(config.JWT_PREVIOUS_PUBLIC_KEYS ? parsePublicJwks(config.JWT_PREVIOUS_PUBLIC_KEYS) : []),
    ],
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    clock,
  });
}

export function passwordHasher(metrics: Metrics, params?: Argon2Params) {
  return argon2PasswordHasher(params ?? OWASP_ARGON2_PARAMS, undefined, {
    waited: (seconds) => metrics.observePasswordHashWait(seconds),
  });
}

export function identityLimits(
  config: Config,
  limiter: Limiter,
): Pick<Deps, 'loginLimits' | 'mailLimits'> {
  return {
    loginLimits: {
      byEmailAndIp: limiter('login-fail-email-ip', config.LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP),
      byIp: limiter('login-fail-ip', config.LOGIN_MAX_FAILURES_PER_IP),
      byEmail: limiter(
        'login-fail-email-minute',
        config.LOGIN_MAX_FAILURES_PER_EMAIL_PER_MINUTE,
        60,
      ),
    },
    mailLimits: {
      byIp: limiter('auth-mail-ip', config.AUTH_MAIL_MAX_PER_IP, config.AUTH_MAIL_WINDOW_SECONDS),
      byRecipient: limiter(
        'auth-mail-to',
        config.AUTH_MAIL_MAX_PER_RECIPIENT,
        config.AUTH_MAIL_WINDOW_SECONDS,
      ),
    },
  };
}
