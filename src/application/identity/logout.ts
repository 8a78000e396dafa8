import type { Session } from '../../domain/identity/session.js';
import type { UserPrincipal } from '../../domain/identity/principal.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { pageOf, type Page } from '../shared/page.js';
import { forgetSessions } from './sessions.js';

type SessionDeps = Pick<Deps, 'repos' | 'uow' | 'clock' | 'cache' | 'signals'>;

export async function logout(deps: SessionDeps, actor: UserPrincipal): Promise<void> {
  const ids = await deps.repos.sessions.revoke(
    actor.userId,
    [actor.sessionId],
    deps.clock.now(),
    'logout',
  );
  await forgetSessions(deps, ids);
}

export async function logoutAll(deps: SessionDeps, actor: UserPrincipal): Promise<void> {
  const ids = await deps.repos.sessions.revokeAll(actor.userId, deps.clock.now(), 'logout_all');
  await forgetSessions(deps, ids);
}

/** A page of the caller's open sessions, oldest first. */
export async function listSessions(
  deps: Pick<Deps, 'repos' | 'clock'>,
  actor: UserPrincipal,
  page: { readonly limit: number; readonly after?: string | undefined },
): Promise<Page<Session>> {
  const rows = await deps.repos.sessions.listActive(actor.userId, deps.clock.now(), {
    limit: page.limit + 1,
    after: page.after,
  });
  const { items, next } = pageOf(rows, page.limit, (last) => last.id);
  return { items, nextCursor: next };
}

/** Ends one of the caller's own sessions; another user's session is simply not found. */
export async function revokeSession(
  deps: SessionDeps,
  actor: UserPrincipal,
  sessionId: string,
): Promise<void> {
  const ids = await deps.repos.sessions.revoke(
    actor.userId,
    [sessionId],
    deps.clock.now(),
    'revoked',
  );
  if (ids.length === 0) notFound('session');
  await forgetSessions(deps, ids);
}
