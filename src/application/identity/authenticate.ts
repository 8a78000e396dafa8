import type { UserPrincipal } from '../../domain/identity/principal.js';
import { isSessionActive } from '../../domain/identity/session.js';
import { UnauthenticatedError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { cached } from '../shared/cached.js';
import { sessionCacheKey } from './sessions.js';

/** How long a session's liveness may be served from cache; revocation deletes the entry at once. */
const SESSION_CACHE_TTL_SECONDS = 60;

/**
 * Turns a bearer access token into the acting user: the signature and claims must hold and the
 * session it names must still be open (ended sessions end their tokens before they expire).
 */
export async function authenticate(
  deps: Pick<Deps, 'accessTokens' | 'repos' | 'cache' | 'clock'>,
  bearer: string,
): Promise<UserPrincipal> {
  return (await authenticateUntil(deps, bearer)).principal;
}

/** The same, with the token's expiry (a realtime socket must re-authenticate then). */
export async function authenticateUntil(
  deps: Pick<Deps, 'accessTokens' | 'repos' | 'cache' | 'clock'>,
  bearer: string,
): Promise<{ readonly principal: UserPrincipal; readonly expiresAt: Date }> {
  const claims = await deps.accessTokens.verify(bearer);
  const active = await cached(
    deps.cache,
    sessionCacheKey(claims.sessionId),
    SESSION_CACHE_TTL_SECONDS,
    async () => {
      const session = await deps.repos.sessions.findById(claims.sessionId);
      return (
        session !== undefined &&
        session.userId === claims.userId &&
        isSessionActive(session, deps.clock.now())
      );
    },
  );
  if (!active) throw new UnauthenticatedError('The session has ended');
  return {
    principal: { kind: 'user', userId: claims.userId, sessionId: claims.sessionId },
    expiresAt: claims.expiresAt,
  };
}
