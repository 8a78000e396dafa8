import { isSessionActive, SESSION_TTL_MS } from '../../domain/identity/session.js';
import { UnauthenticatedError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { forgetSessions, issueTokenPair, type TokenPair } from './sessions.js';

const INVALID = 'Invalid or expired refresh token';

/**
 * Rotates a refresh token: the presented one is spent and a new pair is issued. Presenting a
 * spent token again means it leaked (or a client raced itself): the whole session is revoked.
 */
export async function refresh(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'secrets' | 'accessTokens' | 'cache' | 'signals'>,
  input: { readonly refreshToken: string },
): Promise<TokenPair> {
  const outcome = await deps.uow.run(async (tx) => {
    const now = deps.clock.now();
    const record = await tx.refreshTokens.findByHash(deps.secrets.hash(input.refreshToken));
    if (!record) return { kind: 'invalid' as const };
    const session = await tx.sessions.findById(record.sessionId);
    if (!session || !isSessionActive(session, now)) return { kind: 'invalid' as const };
    if (record.usedAt !== null || !(await tx.refreshTokens.markUsed(record.id, now))) {
      await tx.sessions.revoke(session.userId, [session.id], now, 'refresh_token_reuse');
      return { kind: 'reused' as const, sessionId: session.id };
    }
    await tx.sessions.touch(session.id, now, new Date(now.getTime() + SESSION_TTL_MS));
    return { kind: 'rotated' as const, pair: await issueTokenPair(deps, tx, session) };
  });
  if (outcome.kind === 'rotated') return outcome.pair;
  if (outcome.kind === 'reused') await forgetSessions(deps, [outcome.sessionId]);
  throw new UnauthenticatedError(INVALID);
}
