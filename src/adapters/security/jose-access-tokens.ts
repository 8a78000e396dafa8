// Access tokens: short-lived EdDSA JWTs signed with jose under a key set published as a JWKS.
import { SignJWT, calculateJwkThumbprint, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import type { JWK, JWTPayload, ProtectedHeaderParameters } from 'jose';
import type { AccessTokenService } from '../../application/identity/ports.js';
import type { Clock } from '../../application/shared/ports.js';
import { UnauthenticatedError } from '../../domain/shared/errors.js';

export interface JoseAccessTokensOptions {
  /** The key that signs: an Ed25519 private JWK. */
  readonly privateJwk: JWK;
  /** Keys rotated out, newest first: they sign nothing but verify until removed (public part used). */
  readonly previousJwks?: readonly JWK[];
  readonly issuer: string;
  readonly audience: string;
  /** Time for `iat`/`exp` when issuing and for every check when verifying. */
  readonly clock: Clock;
  /** Lifetime of an access token; 15 minutes unless told. */
  readonly ttlSeconds?: number;
}

/**
 * How far ahead of this process's clock a token's `iat` or `nbf` may be: the instance that
 * issued it may run a little ahead. `exp` gets no allowance (a verifier whose clock runs ahead
 * only ends tokens early, and a refresh covers that).
 */
export const CLOCK_SKEW_SECONDS = 30;

/**
 * The only header parameters a token may carry. Everything else is refused rather than ignored:
 * `crit` (we understand no extension), `jwk`/`jku`/`x5u`/`x5c` (a key named by the token itself
 * is never fetched nor trusted), `b64`, `cty`, and whatever comes next.
 */
const ALLOWED_HEADER = new Set(['alg', 'kid', 'typ']);

/**
 * Accepted `typ` values, compared as RFC 7515 says (case-insensitive, "application/" optional).
 * The issuer writes `JWT`; `at+jwt` (RFC 9068) is accepted so the issuer may move to it without a
 * flag day across instances. Absent is accepted too: the type only tells token kinds apart, and
 * this key set signs one kind.
 */
const ACCEPTED_TYPES = new Set(['application/jwt', 'application/at+jwt']);

/** How many verified tokens are remembered (about 1 KB each). */
const VERIFIED_CACHE_ENTRIES = 10_000;

type AccessTokenClaims = Awaited<ReturnType<AccessTokenService['verify']>>;
type VerificationKey = Awaited<ReturnType<typeof importJWK>>;

/** A verified token with the window in which a fresh verification would accept it again. */
interface Verified {
  readonly claims: AccessTokenClaims;
  readonly validFromMs: number;
}

export type JoseAccessTokenService = AccessTokenService & { jwks(): { keys: JWK[] } };

export async function joseAccessTokens(
  options: JoseAccessTokensOptions,
): Promise<JoseAccessTokenService> {
  const { privateJwk, previousJwks = [], issuer, audience, clock, ttlSeconds = 900 } = options;
  if (privateJwk.kty !== 'OKP' || privateJwk.crv !== 'Ed25519' || !privateJwk.d || !privateJwk.x) {
    throw new Error('joseAccessTokens needs an Ed25519 private JWK');
  }
  const keySet = await keySetOf([privateJwk, ...previousJwks]);
  const signingKid = keySet.published[0]!.kid!;
  const signingKey = await importJWK(
    { kty: 'OKP', crv: 'Ed25519', x: privateJwk.x, d: privateJwk.d },
    'EdDSA',
  );

  // Tokens whose signature and claims were checked, keyed by the whole token, until they expire:
  // a client sends the same token on every request for its lifetime, and an EdDSA verification
  // costs ~60 µs of CPU. Only what the token itself proves is kept (the session is still checked
  // per request), and a refused token is never kept.
  const verified = new Map<string, Verified>();

  return {
    ttlSeconds,

    async issue({ userId, sessionId }) {
      const now = Math.floor(clock.now().getTime() / 1000);
      return new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: 'EdDSA', kid: signingKid, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(signingKey);
    },

    async verify(token) {
      const now = clock.now();
      const known = verified.get(token);
      if (known !== undefined) {
        if (isValidAt(known, now)) return known.claims;
        verified.delete(token);
      }
      const fresh = await verifyToken(token, now);
      if (verified.size >= VERIFIED_CACHE_ENTRIES) {
        // Oldest first (a Map keeps insertion order): the entry least likely to come back.
        verified.delete(verified.keys().next().value!);
      }
      verified.set(token, fresh);
      return fresh.claims;
    },

    jwks: () => ({ keys: keySet.published.map((jwk) => ({ ...jwk })) }),
  };

  async function verifyToken(token: string, now: Date): Promise<Verified> {
    try {
      const key = keyFor(decodeProtectedHeader(token));
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['EdDSA'],
        issuer,
        audience,
        requiredClaims: ['sub', 'sid', 'iat', 'exp'],
        currentDate: now,
        clockTolerance: CLOCK_SKEW_SECONDS,
      });
      return checkedClaims(payload, now);
    } catch {
      throw new UnauthenticatedError('Invalid or expired access token');
    }
  }

  /** The key the header names, once the header holds nothing we refuse. */
  function keyFor(header: ProtectedHeaderParameters): VerificationKey {
    const refused = Object.keys(header).find((name) => !ALLOWED_HEADER.has(name));
    if (refused !== undefined) throw new Error(`header parameter "${refused}" refused`);
    if (header.alg !== 'EdDSA') throw new Error('alg must be EdDSA');
    if (header.typ !== undefined && !ACCEPTED_TYPES.has(normalizedType(header.typ))) {
      throw new Error('unexpected typ');
    }
    // Looked up by kid, never tried key by key: a token that names no key is refused even when
    // the signing key would verify it.
    const key = typeof header.kid === 'string' ? keySet.byKid.get(header.kid) : undefined;
    if (key === undefined) throw new Error('kid names no key');
    return key;
  }
}

/**
 * jose checked `nbf` and `exp` with the skew allowed; `exp` gets none here, and `iat` (which jose
 * only checks with a maximum age) may not be further ahead than the skew.
 */
function checkedClaims(payload: JWTPayload, now: Date): Verified {
  const { sub, sid, iat, nbf, exp } = payload;
  if (typeof sub !== 'string' || sub === '' || typeof sid !== 'string' || sid === '') {
    throw new Error('malformed subject or session');
  }
  if (typeof iat !== 'number' || typeof exp !== 'number') throw new Error('malformed times');
  const nowSeconds = now.getTime() / 1000;
  if (exp <= nowSeconds) throw new Error('expired');
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS) throw new Error('issued in the future');
  const validFrom = Math.max(iat, nbf ?? iat) - CLOCK_SKEW_SECONDS;
  return {
    claims: { userId: sub, sessionId: sid, expiresAt: new Date(exp * 1000) },
    validFromMs: validFrom * 1000,
  };
}

/** A remembered token answers only when a fresh verification at `now` would accept it too. */
function isValidAt(entry: Verified, now: Date): boolean {
  const at = now.getTime();
  return at >= entry.validFromMs && at < entry.claims.expiresAt.getTime();
}

function normalizedType(typ: unknown): string {
  if (typeof typ !== 'string') return '';
  const lower = typ.toLowerCase();
  return lower.includes('/') ? lower : `application/${lower}`;
}

/**
 * Every key's public part under its kid (as given, or the RFC 7638 thumbprint), in the order
 * given: the JWKS publishes the signing key first. One kid naming two different keys is refused.
 */
async function keySetOf(jwks: readonly JWK[]) {
  const published: JWK[] = [];
  const byKid = new Map<string, VerificationKey>();
  for (const jwk of jwks) {
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) {
      throw new Error('every access-token key must be an Ed25519 JWK');
    }
    const publicPart = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
    const kid = jwk.kid ?? (await calculateJwkThumbprint(publicPart));
    const twin = published.find((known) => known.kid === kid);
    if (twin !== undefined) {
      if (twin.x !== jwk.x) throw new Error(`two different access-token keys share kid ${kid}`);
      continue;
    }
    published.push({ ...publicPart, kid, alg: 'EdDSA', use: 'sig' });
    byKid.set(kid, await importJWK(publicPart, 'EdDSA'));
  }
  return { published, byKid };
}
