// A signed-in device. Access tokens name their session (`sid`), so ending a session ends its tokens.

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly deviceId: string | null;
  readonly userAgent: string | null;
  readonly ip: string | null;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

/** Refresh tokens (and so sessions) live 30 days from the last refresh. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export function isSessionActive(session: Session, now: Date): boolean {
  return session.revokedAt === null && session.expiresAt.getTime() > now.getTime();
}

/**
 * Which active sessions to end so that, after one more is opened, the user holds at most `max`.
 * The least recently created go first.
 */
export function sessionsToEvict(active: readonly Session[], max: number): Session[] {
  const excess = active.length + 1 - max;
  if (excess <= 0) return [];
  return [...active]
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
    .slice(0, excess);
}
