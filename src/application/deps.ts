// Everything a use case may be handed. Each use case names the part it touches with Pick<Deps, …>.
import type { AccessTokenService, Mailer, PasswordHasher, SecretTokens } from './identity/ports.js';
import type { IdempotencyStore } from './shared/idempotency.js';
import type { Cache, Clock, IdGenerator, RateLimiter } from './shared/ports.js';
import type { Repositories, UnitOfWork } from './shared/unit-of-work.js';

export interface IdentitySettings {
  /** Base of links in emails, e.g. https://app.example.com */
  readonly publicUrl: string;
  readonly maxSessionsPerUser: number;
}

export interface Deps {
  /** Repositories outside any explicit transaction (each call commits on its own). */
  readonly repos: Repositories;
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly cache: Cache;
  readonly passwords: PasswordHasher;
  readonly accessTokens: AccessTokenService;
  readonly secrets: SecretTokens;
  readonly mailer: Mailer;
  readonly loginLimits: { readonly byEmail: RateLimiter; readonly byIp: RateLimiter };
  readonly identity: IdentitySettings;
  readonly idempotency: IdempotencyStore;
}
