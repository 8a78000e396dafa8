// Opening sessions and issuing the token pair a client holds.
import { sessionsToEvict, SESSION_TTL_MS, type Session } from '../../domain/identity/session.js';
import type { User } from '../../domain/identity/user.js';
import type { Deps } from '../deps.js';
import { forget } from '../shared/cached.js';
import type { Repositories } from '../shared/unit-of-work.js';

export interface TokenPair {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken: string;
}

export interface ClientInfo {
  readonly deviceId?: string | undefined;
  readonly userAgent?: string | undefined;
  readonly ip?: string | undefined;
}

/** Cache key of a session's liveness, checked on every authenticated request. */
export const sessionCacheKey = (sessionId: string) => `session:${sessionId}`;

/**
 * After the commit that ended them: forgets the sessions' cached liveness, then tells every API
 * process, whose realtime sockets opened with those sessions' access tokens close (4401). In that
 * order, so that a socket that reconnects at once is refused. A lost signal (the bus down) leaves
 * such a socket open until its access token expires, as before.
 */
export async function forgetSessions(
  deps: Pick<Deps, 'cache' | 'uow' | 'signals'>,
  ids: readonly string[],
) {
  if (ids.length === 0) return;
  await deps.uow.afterCommit(async () => {
    await forget(deps.cache, ...ids.map(sessionCacheKey));
    await deps.signals.signal({ type: 'sessions.ended', sessionIds: ids }).catch(() => undefined);
  });
}

/** Issues a refresh token for the session and an access token naming it. */
export async function issueTokenPair(
  deps: Pick<Deps, 'clock' | 'ids' | 'secrets' | 'accessTokens'>,
  tx: Pick<Repositories, 'refreshTokens'>,
  session: Pick<Session, 'id' | 'userId'>,
): Promise<TokenPair> {
  const refreshToken = deps.secrets.generate();
  await tx.refreshTokens.create({
    id: deps.ids.next(),
    sessionId: session.id,
    tokenHash: deps.secrets.hash(refreshToken),
    now: deps.clock.now(),
  });
  const accessToken = await deps.accessTokens.issue({
    userId: session.userId,
    sessionId: session.id,
  });
  return { accessToken, expiresIn: deps.accessTokens.ttlSeconds, refreshToken };
}

/** Opens a session, ending the oldest ones beyond the per-user limit. */
export async function openSession(
  deps: Pick<
    Deps,
    'uow' | 'clock' | 'ids' | 'secrets' | 'accessTokens' | 'cache' | 'identity' | 'signals'
  >,
  user: User,
  client: ClientInfo,
): Promise<TokenPair> {
  const { pair, evicted } = await deps.uow.run(async (tx) => {
    const now = deps.clock.now();
    const active = await tx.sessions.listActive(user.id, now);
    const evict = sessionsToEvict(active, deps.identity.maxSessionsPerUser).map((s) => s.id);
    const evicted = await tx.sessions.revoke(user.id, evict, now, 'evicted');
    const session = await tx.sessions.create({
      id: deps.ids.next(),
      userId: user.id,
      deviceId: client.deviceId ?? null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip ?? null,
      now,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
    });
    return { pair: await issueTokenPair(deps, tx, session), evicted };
  });
  await forgetSessions(deps, evicted);
  return pair;
}
