// The credential of a realtime socket: an access token (a user, until the token expires or its
// session ends) or an API key (its service account, until it expires or is revoked), checked as
// the HTTP routes check a bearer token.
import type { Principal } from '../../domain/identity/principal.js';
import { authenticateApiKeyUntil, looksLikeApiKey } from '../access/api-key-auth.js';
import type { Deps } from '../deps.js';
import { authenticateUntil } from '../identity/authenticate.js';

export interface SocketCredential {
  readonly principal: Principal;
  /** When the socket must re-authenticate: the access token's or API key's expiry (if any). */
  readonly expiresAt?: Date | undefined;
}

export async function authenticateSocket(
  deps: Pick<Deps, 'accessTokens' | 'repos' | 'uow' | 'secrets' | 'clock' | 'cache'>,
  token: string,
): Promise<SocketCredential> {
  if (looksLikeApiKey(token)) return authenticateApiKeyUntil(deps, token);
  return authenticateUntil(deps, token);
}
