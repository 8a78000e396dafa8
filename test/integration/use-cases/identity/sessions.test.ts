// Sessions after login: the per-user limit, refresh-token rotation, logging out, and how an
// access token is turned back into the acting user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../../../src/application/identity/authenticate.js';
import {
  listSessions,
  logout,
  logoutAll,
  revokeSession,
} from '../../../../src/application/identity/logout.js';
import { refresh } from '../../../../src/application/identity/refresh.js';
import { sessionCacheKey } from '../../../../src/application/identity/sessions.js';
import { SESSION_TTL_MS } from '../../../../src/domain/identity/session.js';
import { NotFoundError, UnauthenticatedError } from '../../../../src/domain/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../../../support/database.js';
import { registerVerified, signedIn, signInAgain, type SignedIn } from '../actors.js';
import { buildDeps, type TestDeps } from '../deps.js';

let database: TestDatabase;
let deps: TestDeps;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = await buildDeps(database.handle.db, { maxSessionsPerUser: 3 });
});
afterAll(async () => {
  await database.close();
});

const activeIds = async (userId: string) =>
  (await deps.repos.sessions.listActive(userId, deps.clock.now())).map((s) => s.id);

const rejectsUnauthenticated = (promise: Promise<unknown>) =>
  expect(promise).rejects.toBeInstanceOf(UnauthenticatedError);

describe('opening sessions (at most 3 per user)', () => {
  async function signInTimes(times: number): Promise<SignedIn[]> {
    const account = await registerVerified(deps);
    const sessions: SignedIn[] = [];
    for (let i = 0; i < times; i++) {
      sessions.push(await signInAgain(deps, account));
      deps.clock.advance(1000);
    }
    return sessions;
  }

  it('keeps up to 3 sessions open side by side', async () => {
    const sessions = await signInTimes(3);
    expect(await activeIds(sessions[0]!.user.id)).toEqual(
      sessions.map((s) => s.principal.sessionId),
    );
  });

  it('ends the oldest session when a 4th is opened, and its tokens with it', async () => {
    const [oldest, ...rest] = await signInTimes(3);
    await authenticate(deps, oldest!.accessToken); // its liveness is now cached

    const fourth = await signInAgain(deps, oldest!);

    expect(await activeIds(oldest!.user.id)).toEqual(
      [...rest, fourth].map((s) => s.principal.sessionId),
    );
    await rejectsUnauthenticated(authenticate(deps, oldest!.accessToken));
    await rejectsUnauthenticated(refresh(deps, { refreshToken: oldest!.refreshToken }));
  });

  it('ends the two oldest when 5 logins follow one another', async () => {
    const sessions = await signInTimes(5);
    expect(await activeIds(sessions[0]!.user.id)).toEqual(
      sessions.slice(2).map((s) => s.principal.sessionId),
    );
  });

  it('does not count expired sessions against the limit', async () => {
    const [first] = await signInTimes(2);
    deps.clock.advance(SESSION_TTL_MS);
    const third = await signInAgain(deps, first!);
    const fourth = await signInAgain(deps, first!);
    expect(await activeIds(first!.user.id)).toEqual([
      third.principal.sessionId,
      fourth.principal.sessionId,
    ]);
  });
});

describe('refresh', () => {
  it('spends the refresh token and issues a new pair for the same session', async () => {
    const me = await signedIn(deps);
    const pair = await refresh(deps, { refreshToken: me.refreshToken });

    expect(pair.refreshToken).not.toBe(me.refreshToken);
    expect(pair.expiresIn).toBe(900);
    expect(await deps.accessTokens.verify(pair.accessToken)).toMatchObject({
      userId: me.user.id,
      sessionId: me.principal.sessionId,
    });
    await expect(refresh(deps, { refreshToken: pair.refreshToken })).resolves.toBeDefined();
  });

  it('extends the session to 30 days from the refresh', async () => {
    const me = await signedIn(deps);
    deps.clock.advance(SESSION_TTL_MS - 1);
    await refresh(deps, { refreshToken: me.refreshToken });
    const session = await deps.repos.sessions.findById(me.principal.sessionId);
    expect(session?.expiresAt).toEqual(new Date(deps.clock.now().getTime() + SESSION_TTL_MS));
    expect(session?.lastUsedAt).toEqual(deps.clock.now());
  });

  it('treats a spent token presented again as a leak: it fails and the whole session ends', async () => {
    const me = await signedIn(deps);
    const rotated = await refresh(deps, { refreshToken: me.refreshToken });
    await authenticate(deps, rotated.accessToken); // its liveness is now cached

    await rejectsUnauthenticated(refresh(deps, { refreshToken: me.refreshToken }));

    expect(await activeIds(me.user.id)).toEqual([]);
    await rejectsUnauthenticated(refresh(deps, { refreshToken: rotated.refreshToken }));
    await rejectsUnauthenticated(authenticate(deps, rotated.accessToken));
  });

  it('refuses the token of a session that has expired', async () => {
    const me = await signedIn(deps);
    deps.clock.advance(SESSION_TTL_MS + 1);
    await rejectsUnauthenticated(refresh(deps, { refreshToken: me.refreshToken }));
  });

  it('refuses the token of a session that was logged out', async () => {
    const me = await signedIn(deps);
    await logout(deps, me.principal);
    await rejectsUnauthenticated(refresh(deps, { refreshToken: me.refreshToken }));
  });

  it('refuses a token it never issued', async () => {
    await rejectsUnauthenticated(refresh(deps, { refreshToken: 'A'.repeat(43) }));
  });
});

describe('logout, logoutAll and revokeSession', () => {
  it('logout ends the current session only', async () => {
    const here = await signedIn(deps);
    const there = await signInAgain(deps, here);

    await logout(deps, here.principal);

    expect(await activeIds(here.user.id)).toEqual([there.principal.sessionId]);
    await rejectsUnauthenticated(authenticate(deps, here.accessToken));
    await expect(authenticate(deps, there.accessToken)).resolves.toEqual(there.principal);
  });

  it('logoutAll ends every session of the user and no one else’s', async () => {
    const here = await signedIn(deps);
    const there = await signInAgain(deps, here);
    const stranger = await signedIn(deps);

    await logoutAll(deps, here.principal);

    expect(await activeIds(here.user.id)).toEqual([]);
    await rejectsUnauthenticated(authenticate(deps, there.accessToken));
    await expect(authenticate(deps, stranger.accessToken)).resolves.toEqual(stranger.principal);
  });

  it('revokeSession ends another of the caller’s own sessions', async () => {
    const here = await signedIn(deps);
    const there = await signInAgain(deps, here);

    await revokeSession(deps, here.principal, there.principal.sessionId);

    expect(await activeIds(here.user.id)).toEqual([here.principal.sessionId]);
    await rejectsUnauthenticated(refresh(deps, { refreshToken: there.refreshToken }));
  });

  it('revokeSession answers NotFoundError for another user’s session and leaves it open', async () => {
    const me = await signedIn(deps);
    const stranger = await signedIn(deps);

    await expect(
      revokeSession(deps, me.principal, stranger.principal.sessionId),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await activeIds(stranger.user.id)).toEqual([stranger.principal.sessionId]);
  });

  it('revokeSession answers NotFoundError for a session already ended', async () => {
    const here = await signedIn(deps);
    const there = await signInAgain(deps, here);
    await revokeSession(deps, here.principal, there.principal.sessionId);
    await expect(
      revokeSession(deps, here.principal, there.principal.sessionId),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('listSessions shows the caller’s open sessions, oldest first, in pages', async () => {
    const first = await signedIn(deps);
    deps.clock.advance(1000);
    const second = await signInAgain(deps, first);
    deps.clock.advance(1000);
    const third = await signInAgain(deps, first);

    const whole = await listSessions(deps, first.principal, { limit: 50 });
    expect(whole.items.map((s) => s.id)).toEqual([
      first.principal.sessionId,
      second.principal.sessionId,
      third.principal.sessionId,
    ]);
    expect(whole.nextCursor).toBeNull();

    const opening = await listSessions(deps, first.principal, { limit: 2 });
    expect(opening.items.map((s) => s.id)).toEqual([
      first.principal.sessionId,
      second.principal.sessionId,
    ]);
    expect(opening.nextCursor).toBe(second.principal.sessionId);
    const rest = await listSessions(deps, first.principal, {
      limit: 2,
      after: opening.nextCursor ?? undefined,
    });
    expect(rest.items.map((s) => s.id)).toEqual([third.principal.sessionId]);
    expect(rest.nextCursor).toBeNull();
  });
});

describe('authenticate', () => {
  it('turns a valid access token into the user and session it names', async () => {
    const me = await signedIn(deps);
    expect(await authenticate(deps, me.accessToken)).toEqual({
      kind: 'user',
      userId: me.user.id,
      sessionId: me.principal.sessionId,
    });
  });

  it('caches that the session is open', async () => {
    const me = await signedIn(deps);
    await authenticate(deps, me.accessToken);
    expect(await deps.cache.get(sessionCacheKey(me.principal.sessionId))).toBe(true);
  });

  it('rejects a revoked session at once, although its liveness was cached', async () => {
    const me = await signedIn(deps);
    await authenticate(deps, me.accessToken);

    await logout(deps, me.principal);

    expect(await deps.cache.get(sessionCacheKey(me.principal.sessionId))).toBeUndefined();
    await rejectsUnauthenticated(authenticate(deps, me.accessToken));
  });

  it.each([
    ['a malformed token', 'not-a-jwt'],
    ['an empty token', ''],
  ])('rejects %s', async (_label, token) => {
    await rejectsUnauthenticated(authenticate(deps, token));
  });

  it('rejects a token signed with another key', async () => {
    const me = await signedIn(deps);
    const elsewhere = await buildDeps(database.handle.db);
    const foreign = await elsewhere.accessTokens.issue({
      userId: me.user.id,
      sessionId: me.principal.sessionId,
    });
    await rejectsUnauthenticated(authenticate(deps, foreign));
  });
});
