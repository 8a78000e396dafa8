// Access tokens: short-lived EdDSA JWTs signed with jose; the public key is published as a JWKS.
import { SignJWT, calculateJwkThumbprint, importJWK, jwtVerify } from 'jose';
import type { JWK } from 'jose';
import type { AccessTokenService } from '../../application/identity/ports.js';
import { UnauthenticatedError } from '../../domain/shared/errors.js';

export interface JoseAccessTokensOptions {
  readonly privateJwk: JWK;
  readonly issuer: string;
  readonly audience: string;
  /** Lifetime of an access token; 15 minutes unless told. */
  readonly ttlSeconds?: number;
}

/** How many verified tokens are remembered (about 1 KB each). */
const VERIFIED_CACHE_ENTRIES = 10_000;

type AccessTokenClaims = Awaited<ReturnType<AccessTokenService['verify']>>;

export type JoseAccessTokenService = AccessTokenService & { jwks(): { keys: JWK[] } };

export async function joseAccessTokens(
  options: JoseAccessTokensOptions,
): Promise<JoseAccessTokenService> {
  const { privateJwk, issuer, audience, ttlSeconds = 900 } = options;
  if (privateJwk.kty !== 'OKP' || privateJwk.crv !== 'Ed25519' || !privateJwk.d || !privateJwk.x) {
    throw new Error('joseAccessTokens needs an Ed25519 private JWK');
  }
  const thumbprintInput = { kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x };
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(thumbprintInput));
  const publicJwk: JWK = { ...thumbprintInput, kid, alg: 'EdDSA', use: 'sig' };
  const privateKey = await importJWK({ ...thumbprintInput, d: privateJwk.d }, 'EdDSA');
  const publicKey = await importJWK(thumbprintInput, 'EdDSA');

  // Tokens whose signature and claims were checked, until they expire: a client sends the same
  // token on every request for its lifetime, and an EdDSA verification costs ~60 µs of CPU.
  // Only what the token itself proves is kept; the session is still checked per request.
  const verified = new Map<string, AccessTokenClaims>();

  return {
    ttlSeconds,

    async issue({ userId, sessionId }) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(privateKey);
    },

    async verify(token) {
      const known = verified.get(token);
      if (known !== undefined) {
        if (known.expiresAt.getTime() > Date.now()) return known;
        verified.delete(token);
      }
      const claims = await verifySignature(token);
      if (verified.size >= VERIFIED_CACHE_ENTRIES) {
        // Oldest first (a Map keeps insertion order): the entry least likely to come back.
        verified.delete(verified.keys().next().value!);
      }
      verified.set(token, claims);
      return claims;
    },

    jwks: () => ({ keys: [{ ...publicJwk }] }),
  };

  async function verifySignature(token: string) {
    try {
      const { payload } = await jwtVerify(token, publicKey, {
        algorithms: ['EdDSA'],
        issuer,
        audience,
        typ: 'JWT',
        requiredClaims: ['sub', 'sid', 'exp'],
      });
      const { sub, sid, exp } = payload;
      if (typeof sub !== 'string' || typeof sid !== 'string' || typeof exp !== 'number') {
        throw new Error('malformed claims');
      }
      return { userId: sub, sessionId: sid, expiresAt: new Date(exp * 1000) };
    } catch {
      throw new UnauthenticatedError('Invalid or expired access token');
    }
  }
}
