// The texts of the emails identity sends. Links carry the token; the token alone works with the API.

export function verificationEmail(publicUrl: string, name: string, token: string) {
  const link = `${publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
  return {
    subject: 'Verify your TeamFlow email address',
    text: `Hello ${name},\n\nConfirm your email address by opening this link:\n${link}\n\nOr send this token to POST /api/v1/auth/verify-email: ${token}\n\nThe link expires in 24 hours.\n`,
  };
}

export function passwordResetEmail(publicUrl: string, name: string, token: string) {
  const link = `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
  return {
    subject: 'Reset your TeamFlow password',
    text: `Hello ${name},\n\nSomeone asked to reset your password. If it was you, open this link:\n${link}\n\nOr send this token to POST /api/v1/auth/password/reset: ${token}\n\nThe link expires in 1 hour. If it was not you, ignore this email.\n`,
  };
}

/**
 * To the owner of an address someone tried to register again: sign in or reset instead. Signing
 * in happens in whatever application the person uses TeamFlow through (the API has no sign-in
 * page of its own: tokens are for that application), so only the reset has a link.
 */
export function accountExistsEmail(publicUrl: string, name: string) {
  const link = `${publicUrl}/forgot-password`;
  return {
    subject: 'You already have a TeamFlow account',
    text: `Hello ${name},\n\nSomeone asked to create a TeamFlow account with this email address, which already has one. If it was you, you need no new account: sign in with this address and your password where you use TeamFlow.\n\nForgot your password? Ask for a link to choose a new one here:\n${link}\n\nOr send your address to POST /api/v1/auth/password/forgot. If the account is not verified yet, ask for a new verification email (POST /api/v1/auth/resend-verification).\n\nIf it was not you, ignore this email: nothing has changed.\n`,
  };
}
