// Domain → JSON for the identity area.
import type { Session } from '../../../domain/identity/session.js';
import type { User } from '../../../domain/identity/user.js';
import type { TokenPair } from '../../../application/identity/sessions.js';

export function presentUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    timezone: user.timezone,
    email_verified: user.emailVerifiedAt !== null,
    email_verified_at: user.emailVerifiedAt?.toISOString() ?? null,
    phone_number: user.phoneNumber,
    phone_verified: user.phoneVerifiedAt !== null,
    phone_verified_at: user.phoneVerifiedAt?.toISOString() ?? null,
    version: user.version,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

export function presentTokenPair(pair: TokenPair) {
  return {
    access_token: pair.accessToken,
    token_type: 'Bearer' as const,
    expires_in: pair.expiresIn,
    refresh_token: pair.refreshToken,
  };
}

export function presentSession(session: Session, currentSessionId: string) {
  return {
    id: session.id,
    device_id: session.deviceId,
    user_agent: session.userAgent,
    ip: session.ip,
    created_at: session.createdAt.toISOString(),
    last_used_at: session.lastUsedAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    current: session.id === currentSessionId,
  };
}
