// Ports of the identity area: people, sessions, credentials, mail.
import type { OneTimeToken, OneTimeTokenPurpose } from '../../domain/identity/one-time-token.js';
import type { PhoneVerification } from '../../domain/identity/phone-verification.js';
import type { Session } from '../../domain/identity/session.js';
import type { User } from '../../domain/identity/user.js';

export interface NewUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly timezone: string;
  readonly passwordHash: string;
  readonly now: Date;
}

export interface UserChanges {
  readonly name?: string;
  readonly timezone?: string;
  readonly passwordHash?: string;
  readonly emailVerifiedAt?: Date;
  /** A new number is unverified: pass `phoneVerifiedAt: null` with it. */
  readonly phoneNumber?: string | null;
  readonly phoneVerifiedAt?: Date | null;
}

export interface UserRepository {
  /** Throws ConflictError when the email is taken. */
  create(user: NewUser): Promise<User>;
  findById(id: string): Promise<User | undefined>;
  findByEmail(email: string): Promise<User | undefined>;
  /** The stored argon2 hash, for login; undefined when no such user. */
  findCredentials(email: string): Promise<{ user: User; passwordHash: string } | undefined>;
  passwordHashOf(userId: string): Promise<string | undefined>;
  /**
   * Applies the changes to the live user and bumps the version, only while the version is
   * `expectedVersion` (if given): PreconditionFailedError on a miss; NotFoundError when the user
   * is gone.
   */
  update(id: string, changes: UserChanges, now: Date, expectedVersion?: number): Promise<User>;
}

export interface NewSession {
  readonly id: string;
  readonly userId: string;
  readonly deviceId: string | null;
  readonly userAgent: string | null;
  readonly ip: string | null;
  readonly now: Date;
  readonly expiresAt: Date;
}

export interface SessionRepository {
  create(session: NewSession): Promise<Session>;
  findById(id: string): Promise<Session | undefined>;
  /**
   * The user's open sessions (not revoked, not expired at `now`), oldest first (`created_at`,
   * then id); with `page`, at most `page.limit` of them after the session `page.after` names.
   */
  listActive(
    userId: string,
    now: Date,
    page?: { readonly limit: number; readonly after?: string | undefined },
  ): Promise<Session[]>;
  /** Which of `ids` are open sessions at `now` (not revoked, not expired), in one read. */
  activeAmong(ids: readonly string[], now: Date): Promise<string[]>;
  touch(id: string, now: Date, expiresAt: Date): Promise<void>;
  /** Revokes the given sessions (only those of `userId`); returns the ids actually revoked. */
  revoke(userId: string, ids: readonly string[], now: Date, reason: string): Promise<string[]>;
  /** Revokes every active session of the user, optionally sparing one; returns the ids revoked. */
  revokeAll(userId: string, now: Date, reason: string, except?: string): Promise<string[]>;
}

export interface RefreshTokenRecord {
  readonly id: string;
  readonly sessionId: string;
  readonly usedAt: Date | null;
}

export interface RefreshTokenRepository {
  create(token: { id: string; sessionId: string; tokenHash: string; now: Date }): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Marks the token used if it was not; false when it had been used already (a reuse). */
  markUsed(id: string, now: Date): Promise<boolean>;
}

export interface OneTimeTokenRepository {
  create(token: {
    id: string;
    userId: string;
    purpose: OneTimeTokenPurpose;
    tokenHash: string;
    now: Date;
    expiresAt: Date;
  }): Promise<void>;
  findByHash(purpose: OneTimeTokenPurpose, tokenHash: string): Promise<OneTimeToken | undefined>;
  /** Marks it used if still unused; false when someone else used it first. */
  markUsed(id: string, now: Date): Promise<boolean>;
  /** Ends every unused token of that purpose for the user (a new one replaces them). */
  invalidateAll(userId: string, purpose: OneTimeTokenPurpose, now: Date): Promise<void>;
}

/** The code waiting for each user's phone number (one a user; global, like users). */
export interface PhoneVerificationRepository {
  /** Stores the user's new code in place of any earlier one, with no attempts made. */
  replace(code: Omit<PhoneVerification, 'attempts'>): Promise<void>;
  /** The user's waiting code, locked until the transaction ends (attempts are counted in order). */
  findForUpdate(userId: string): Promise<PhoneVerification | undefined>;
  countAttempt(id: string): Promise<void>;
  /** Deletes the code `id`; false when it is gone (replaced, discarded or used meanwhile). */
  consume(id: string): Promise<boolean>;
  discard(userId: string): Promise<void>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the time of a verify against a dummy hash, so unknown emails answer as slowly. */
  verifyDummy(password: string): Promise<void>;
}

export interface AccessTokenClaims {
  readonly userId: string;
  readonly sessionId: string;
  readonly expiresAt: Date;
}

export interface AccessTokenService {
  readonly ttlSeconds: number;
  issue(subject: { userId: string; sessionId: string }): Promise<string>;
  /** Throws UnauthenticatedError for a bad, expired, not yet valid or foreign token. */
  verify(token: string): Promise<AccessTokenClaims>;
}

/** Random opaque secrets and their at-rest hashes (refresh tokens, emailed tokens). */
export interface SecretTokens {
  generate(): string;
  /**
   * A uniformly random code of `length` decimal digits, leading zeros kept (SMS codes: too few
   * bits for `hash`, they are stored as argon2 hashes by the PasswordHasher).
   */
  numericCode(length: number): string;
  hash(token: string): string;
}

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** `<id@domain>`: the same on every attempt to send one message, so a repeat is recognisable. */
  readonly messageId?: string;
  /** Further header fields, e.g. `List-Unsubscribe` (RFC 8058); the transport's own are not. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  verify(): Promise<void>;
  close(): Promise<void>;
}
