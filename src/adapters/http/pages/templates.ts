// The HTML of the email-link pages and their stylesheet. Static: nothing from the request is ever
// written into a page (the script reads the token in the browser), so there is nothing to escape.

export const pagesStyle = `body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f5f6f8; color: #1d2330; }
main { max-width: 28rem; margin: 4rem auto; padding: 2rem; background: #fff; border-radius: 8px;
  box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12); }
h1 { font-size: 1.4rem; margin-top: 0; }
label { display: block; margin: 1rem 0 0.25rem; font-weight: 600; }
input { width: 100%; box-sizing: border-box; padding: 0.5rem; font: inherit; }
button { margin-top: 1.25rem; padding: 0.6rem 1.2rem; font: inherit; cursor: pointer; }
.status { padding: 0.75rem; border-radius: 4px; background: #eef2f8; }
.status.error { background: #fdecea; color: #8a1c14; }
.status.success { background: #e8f5e9; color: #1b5e20; }
.status:empty { display: none; }
.hint { margin: 0.25rem 0 0; font-size: 0.9rem; color: #4a5366; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
a { color: #2446b8; }
`;

export const pagesIcon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#3355cc"/></svg>`;

export interface AssetUrls {
  readonly script: string;
  readonly style: string;
  readonly icon: string;
}

function layout(page: string, title: string, assets: AssetUrls, content: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · TeamFlow</title>
<link rel="icon" href="${assets.icon}">
<link rel="stylesheet" href="${assets.style}">
<script src="${assets.script}" defer></script>
</head>
<body data-page="${page}"><main>
<h1>${title}</h1>
<p id="status" class="status info" role="status" aria-live="polite">Loading…</p>
<noscript><p class="status error">This page needs JavaScript to talk to the TeamFlow API.</p></noscript>
${content}
</main></body></html>`;
}

export function verifyEmailPage(assets: AssetUrls): string {
  return layout(
    'verify-email',
    'Confirm your email address',
    assets,
    `<div id="actions" hidden><p>Press the button to confirm that this email address is yours.</p>
<button id="confirm" type="button">Confirm my email address</button></div>`,
  );
}

export function resetPasswordPage(assets: AssetUrls): string {
  return layout(
    'reset-password',
    'Choose a new password',
    assets,
    `<form id="form" method="post" hidden>
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required>
<label for="confirm-password">The new password again</label>
<input id="confirm-password" name="confirm-password" type="password" autocomplete="new-password" required>
<button id="submit" type="submit">Change my password</button>
</form>`,
  );
}

export function acceptInvitationPage(assets: AssetUrls): string {
  return layout(
    'accept-invitation',
    'Join an organization',
    assets,
    `<div id="invitation" hidden>
<p id="summary"></p>
<p>The invitation is for <strong id="for-email"></strong>.</p>
<form id="form" method="post">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button id="submit" type="submit">Sign in and accept</button>
</form>
<p>No TeamFlow account with this address yet? Create one first (<code>POST /api/v1/auth/register</code>),
confirm it from the email that follows, then open this invitation link again.</p></div>`,
  );
}

/** No token: the page the "you already have an account" email links to, and anyone may open. */
export function forgotPasswordPage(assets: AssetUrls): string {
  return layout(
    'forgot-password',
    'Forgot your password?',
    assets,
    `<form id="form" method="post" hidden>
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required>
<button id="submit" type="submit">Email me a reset link</button>
</form>`,
  );
}
