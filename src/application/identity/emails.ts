// The texts of the emails identity sends, as plain text and HTML (every value in the HTML escaped:
// names are the user's own text). Links carry the token; the token alone works with the API.
import { html, mailDocument } from '../shared/html.js';

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function verificationEmail(publicUrl: string, name: string, token: string): RenderedMail {
  const link = `${publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
  const subject = 'Verify your TeamFlow email address';
  return {
    subject,
    text: `Hello ${name},\n\nConfirm your email address by opening this link:\n${link}\n\nOr send this token to POST /api/v1/auth/verify-email: ${token}\n\nThe link expires in 24 hours.\n`,
    html: mailDocument(
      subject,
      html`<p>Hello ${name},</p>
        <p>Confirm your email address by opening this link:<br /><a href="${link}">${link}</a></p>
        <p>Or send this token to POST /api/v1/auth/verify-email: <code>${token}</code></p>
        <p>The link expires in 24 hours.</p>`,
    ),
  };
}

export function passwordResetEmail(publicUrl: string, name: string, token: string): RenderedMail {
  const link = `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
  const subject = 'Reset your TeamFlow password';
  return {
    subject,
    text: `Hello ${name},\n\nSomeone asked to reset your password. If it was you, open this link:\n${link}\n\nOr send this token to POST /api/v1/auth/password/reset: ${token}\n\nThe link expires in 1 hour. If it was not you, ignore this email.\n`,
    html: mailDocument(
      subject,
      html`<p>Hello ${name},</p>
        <p>
          Someone asked to reset your password. If it was you, open this link:<br /><a
            href="${link}"
            >${link}</a
          >
        </p>
        <p>Or send this token to POST /api/v1/auth/password/reset: <code>${token}</code></p>
        <p>The link expires in 1 hour. If it was not you, ignore this email.</p>`,
    ),
  };
}

/**
 * To the owner of an address someone tried to register again: sign in or reset instead. Signing
 * in happens in whatever application the person uses TeamFlow through (the API has no sign-in
 * page of its own: tokens are for that application), so only the reset has a link.
 */
export function accountExistsEmail(publicUrl: string, name: string): RenderedMail {
  const link = `${publicUrl}/forgot-password`;
  const subject = 'You already have a TeamFlow account';
  return {
    subject,
    text: `Hello ${name},\n\nSomeone asked to create a TeamFlow account with this email address, which already has one. If it was you, you need no new account: sign in with this address and your password where you use TeamFlow.\n\nForgot your password? Ask for a link to choose a new one here:\n${link}\n\nOr send your address to POST /api/v1/auth/password/forgot. If the account is not verified yet, ask for a new verification email (POST /api/v1/auth/resend-verification).\n\nIf it was not you, ignore this email: nothing has changed.\n`,
    html: mailDocument(
      subject,
      html`<p>Hello ${name},</p>
        <p>
          Someone asked to create a TeamFlow account with this email address, which already has one.
          If it was you, you need no new account: sign in with this address and your password where
          you use TeamFlow.
        </p>
        <p>
          Forgot your password? Ask for a link to choose a new one here:<br /><a href="${link}"
            >${link}</a
          >
        </p>
        <p>
          Or send your address to POST /api/v1/auth/password/forgot. If the account is not verified
          yet, ask for a new verification email (POST /api/v1/auth/resend-verification).
        </p>
        <p>If it was not you, ignore this email: nothing has changed.</p>`,
    ),
  };
}
