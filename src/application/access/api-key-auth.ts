// Authenticating an API key (`tf_<prefix>_<secret>`) as a service account of one organization.
import type { ApiKeyPrincipal } from '../../domain/identity/principal.js';
import { UnauthenticatedError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { cached } from '../shared/cached.js';
import type { ApiKey } from './ports.js';

export const API_KEY_PREFIX = 'tf_';

/** 12 characters of lower-case base32 (RFC 4648 alphabet): 60 random bits, global and public. */
export const KEY_PREFIX_PATTERN = /^[a-z2-7]{12}$/;
// The secret is base64url of 32+ random bytes; it may itself contain `_`, so the prefix is fixed-width.
const API_KEY_PATTERN = /^tf_([a-z2-7]{12})_([A-Za-z0-9_-]{43,128})$/;

/** How long a successful lookup is served from cache; revoking a key deletes its entry at once. */
const AUTH_CACHE_TTL_SECONDS = 30;
/** `last_used_at` is written at most once per this many milliseconds per key: reads stay cheap. */
const TOUCH_INTERVAL_MS = 60_000;

const INVALID = 'Invalid API key';

export function looksLikeApiKey(bearer: string): boolean {
  return bearer.startsWith(API_KEY_PREFIX);
}

export function formatApiKey(prefix: string, secret: string): string {
  return `${API_KEY_PREFIX}${prefix}_${secret}`;
}

export function parseApiKey(bearer: string): { prefix: string; secret: string } | undefined {
  const match = API_KEY_PATTERN.exec(bearer);
  if (!match?.[1] || !match[2]) return undefined;
  return { prefix: match[1], secret: match[2] };
}

/** Keyed by the stored secret hash, so the revoking side can name the entry without the secret. */
export const apiKeyAuthCacheKey = (secretHash: string) => `apikey:${secretHash}`;

export function isApiKeyUsable(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: Date): boolean {
  return key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now);
}

/**
 * Compares two hex digests without stopping at the first difference (the application layer has no
 * node:crypto; the lengths of two SHA-256 digests are public anyway).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

interface CachedKey {
  readonly keyId: string;
  readonly organizationId: string;
  readonly prefix: string;
  readonly role: string;
  /** ISO time, or null for a key that never expires. */
  readonly expiresAt: string | null;
}

function principalOf(key: CachedKey): ApiKeyPrincipal {
  return {
    kind: 'apikey',
    keyId: key.keyId,
    organizationId: key.organizationId,
    role: key.role,
  };
}

async function lookUp(
  deps: Pick<Deps, 'repos' | 'uow' | 'clock'>,
  prefix: string,
  secretHash: string,
): Promise<CachedKey | undefined> {
  const located = await deps.repos.apiKeys.locatePrefix(prefix);
  if (!located) return undefined;
  return deps.uow.run(
    async (tx) => {
      const found = await tx.apiKeys.findWithSecret(located.organizationId, located.keyId);
      const now = deps.clock.now();
      if (!found || !constantTimeEqual(found.secretHash, secretHash)) return undefined;
      const { key } = found;
      if (key.prefix !== prefix || !isApiKeyUsable(key, now)) return undefined;
      if (
        key.lastUsedAt === null ||
        now.getTime() - key.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS
      ) {
        await tx.apiKeys.touch(key.organizationId, key.id, now);
      }
      return {
        keyId: key.id,
        organizationId: key.organizationId,
        prefix: key.prefix,
        role: key.role,
        expiresAt: key.expiresAt?.toISOString() ?? null,
      };
    },
    { organizationId: located.organizationId },
  );
}

/**
 * Turns a presented key into its service account. Every failure — malformed, unknown, wrong
 * secret, revoked, expired — answers with the same error.
 */
export async function authenticateApiKey(
  deps: Pick<Deps, 'repos' | 'uow' | 'secrets' | 'clock' | 'cache'>,
  bearer: string,
): Promise<ApiKeyPrincipal> {
  return (await authenticateApiKeyUntil(deps, bearer)).principal;
}

/** The same, with the key's expiry, if it has one (a realtime socket closes then). */
export async function authenticateApiKeyUntil(
  deps: Pick<Deps, 'repos' | 'uow' | 'secrets' | 'clock' | 'cache'>,
  bearer: string,
): Promise<{ readonly principal: ApiKeyPrincipal; readonly expiresAt: Date | undefined }> {
  const parsed = parseApiKey(bearer);
  if (!parsed) throw new UnauthenticatedError(INVALID);
  const secretHash = deps.secrets.hash(parsed.secret);

  const key = await cached(deps.cache, apiKeyAuthCacheKey(secretHash), AUTH_CACHE_TTL_SECONDS, () =>
    lookUp(deps, parsed.prefix, secretHash),
  );
  // Secrets are unique: the same secret under another prefix is not this key.
  if (key?.prefix !== parsed.prefix) throw new UnauthenticatedError(INVALID);
  // A cached key still expires on time.
  const expiresAt = key.expiresAt === null ? undefined : new Date(key.expiresAt);
  if (expiresAt !== undefined && expiresAt <= deps.clock.now()) {
    throw new UnauthenticatedError(INVALID);
  }
  return { principal: principalOf(key), expiresAt };
}
