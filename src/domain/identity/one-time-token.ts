// Single-use emailed tokens (email verification, password reset): random, stored hashed, expiring.

export type OneTimeTokenPurpose = 'verify_email' | 'reset_password';

export interface OneTimeToken {
  readonly id: string;
  readonly userId: string;
  readonly purpose: OneTimeTokenPurpose;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
}

export const ONE_TIME_TOKEN_TTL_MS: Record<OneTimeTokenPurpose, number> = {
  verify_email: 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
};

export function isOneTimeTokenUsable(token: OneTimeToken, now: Date): boolean {
  return token.usedAt === null && token.expiresAt.getTime() > now.getTime();
}
