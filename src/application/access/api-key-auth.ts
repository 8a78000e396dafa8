// Authenticating an API key (`tf_<prefix>_<secret>`) as a service account of one organization.
import type { ApiKeyPrincipal } from '../../domain/identity/principal.js';
import { UnauthenticatedError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';

export const API_KEY_PREFIX = 'tf_';

export function looksLikeApiKey(bearer: string): boolean {
  return bearer.startsWith(API_KEY_PREFIX);
}

/** Placeholder until API keys are built: every key is refused. */
export async function authenticateApiKey(
  _deps: Pick<Deps, 'uow' | 'secrets' | 'clock'>,
  _bearer: string,
): Promise<ApiKeyPrincipal> {
  throw new UnauthenticatedError('Invalid API key');
}
