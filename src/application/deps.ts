// Everything a use case may be handed. Each use case names the part it touches with Pick<Deps, …>.
import type { AttachmentSettings } from './attachments/ports.js';
import type { EventBus } from './events/ports.js';
import type { AccessTokenService, PasswordHasher, SecretTokens } from './identity/ports.js';
import type { UnsubscribeTokens } from './notifications/ports.js';
import type { IdempotencyStore } from './shared/idempotency.js';
import type { BackgroundWork, Cache, Clock, IdGenerator, RateLimiter } from './shared/ports.js';
import type { SmsSender } from './shared/sms.js';
import type { Repositories, UnitOfWork } from './shared/unit-of-work.js';
import type { WebhookUrlGuard } from './webhooks/ports.js';

export interface IdentitySettings {
  /** Base of links in emails: APP_URL (a front end) or else the API's PUBLIC_URL (its pages). */
  readonly publicUrl: string;
  readonly maxSessionsPerUser: number;
}

/** Login throttles (OWASP): counted before the password is hashed. */
export interface LoginLimits {
  /** Failures of one email from one client address: that pair waits out the window. */
  readonly byEmailAndIp: RateLimiter;
  /** Failures from one client address, whatever the emails. */
  readonly byIp: RateLimiter;
  /** Failures of one email from every address, over a short window: a slow-down, not a lockout. */
  readonly byEmail: RateLimiter;
}

/** Throttles of the requests that send identity mail (register, resend, forgot). */
export interface MailLimits {
  /** Requests from one client address: refused with 429 over it. */
  readonly byIp: RateLimiter;
  /** Mails to one address: over it they are dropped, the answer unchanged. */
  readonly byRecipient: RateLimiter;
}

export interface WebhookSettings {
  /** Refuses an endpoint URL that points into a private network (unless allowed). */
  readonly urlGuard: WebhookUrlGuard;
  /** How long the previous secret keeps signing after a rotation. */
  readonly secretOverlapMs: number;
}

/** Throttles of the SMS codes that verify phone numbers (429 over either). */
export interface PhoneCodeLimits {
  /** Codes one user has sent (a new number, a resend). */
  readonly byUser: RateLimiter;
  /** Codes sent to one number, whoever asked: no account can make us flood a stranger's phone. */
  readonly byNumber: RateLimiter;
}

/** ENABLE_EMAIL_NOTIFICATIONS, ENABLE_SMS_NOTIFICATIONS: the channels notifications may use. */
export interface NotificationChannels {
  readonly email: boolean;
  readonly sms: boolean;
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
  readonly sms: SmsSender;
  readonly loginLimits: LoginLimits;
  readonly mailLimits: MailLimits;
  readonly phoneCodeLimits: PhoneCodeLimits;
  /** How long an analytics answer is reused for the same question (0: never). */
  readonly analyticsCacheSeconds: number;
  /** Lookups of the public status page per client address (429 over it). */
  readonly publicStatusLimit: RateLimiter;
  readonly notifications: NotificationChannels;
  /** Signs and checks the one-click unsubscribe links of notification emails. */
  readonly unsubscribeTokens: UnsubscribeTokens;
  readonly background: BackgroundWork;
  readonly identity: IdentitySettings;
  readonly idempotency: IdempotencyStore;
  /** Tells the realtime hub of every API process what is not an event (sessions that ended). */
  readonly signals: Pick<EventBus, 'signal'>;
  readonly webhooks: WebhookSettings;
  /** Where attachments' bytes go, how they are sniffed and scanned, and their limits. */
  readonly attachments: AttachmentSettings;
}
