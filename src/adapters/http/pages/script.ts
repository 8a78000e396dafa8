// The script of the email-link pages, served as a file (the pages' CSP allows no inline script).
// Plain browser JavaScript: it reads the token once, takes it out of the address bar and
// history, and talks to the API's JSON endpoints on the same origin. /forgot-password has no
// token: it posts the address typed in.

export const pagesScript = `'use strict';
(function () {
  var API = '/api/v1';
  var page = document.body.getAttribute('data-page');

  function $(id) { return document.getElementById(id); }
  function show(id, visible) { $(id).hidden = !visible; }
  function say(text, kind) {
    var status = $('status');
    status.textContent = text;
    status.className = 'status ' + (kind || 'info');
  }

  // Read once, then replace the address: the token must not stay in history or reach a Referer.
  var token = new URLSearchParams(window.location.search).get('token');
  window.history.replaceState(null, '', window.location.pathname);

  function messageOf(envelope, status) {
    var error = envelope && envelope.error;
    if (!error || typeof error.message !== 'string') {
      return 'Something went wrong (HTTP ' + status + '). Please try again later.';
    }
    var details = (error.details || [])
      .map(function (detail) { return detail.message; })
      .filter(function (message) { return message && message !== error.message; });
    return [error.message].concat(details).join(' ');
  }

  function post(path, body, accessToken) {
    var headers = { 'content-type': 'application/json' };
    if (accessToken) headers.authorization = 'Bearer ' + accessToken;
    return fetch(API + path, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(body),
      credentials: 'same-origin',
      referrerPolicy: 'no-referrer',
    }).then(
      function (response) {
        if (response.status === 204) return { ok: true, data: null };
        return response.json().catch(function () { return null; }).then(function (envelope) {
          if (response.ok && envelope && envelope.success) return { ok: true, data: envelope.data };
          return { ok: false, message: messageOf(envelope, response.status) };
        });
      },
      function () {
        return { ok: false, message: 'The server could not be reached. Check your connection and try again.' };
      },
    );
  }

  function busy(button, isBusy) { button.disabled = isBusy; }

  function verifyEmail() {
    var button = $('confirm');
    show('actions', true);
    button.addEventListener('click', function () {
      busy(button, true);
      say('Confirming your email address…');
      post('/auth/verify-email', { token: token }).then(function (result) {
        if (result.ok) {
          show('actions', false);
          say('Your email address ' + result.data.email + ' is confirmed. You can now sign in.', 'success');
        } else {
          busy(button, false);
          say(result.message, 'error');
        }
      });
    });
  }

  function resetPassword() {
    var form = $('form');
    show('form', true);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var password = $('password').value;
      if (password !== $('confirm-password').value) {
        say('The two passwords are not the same.', 'error');
        return;
      }
      busy($('submit'), true);
      say('Changing your password…');
      post('/auth/password/reset', { token: token, password: password }).then(function (result) {
        if (result.ok) {
          form.reset();
          show('form', false);
          say('Your password has been changed. Sign in with the new one; every other session was signed out.', 'success');
        } else {
          busy($('submit'), false);
          say(result.message, 'error');
        }
      });
    });
  }

  function acceptInvitation() {
    say('Looking up your invitation…');
    post('/invitations/preview', { token: token }).then(function (preview) {
      if (!preview.ok) { say(preview.message, 'error'); return; }
      var invitation = preview.data;
      var who = invitation.invited_by_name ? invitation.invited_by_name + ' invited you' : 'You are invited';
      $('summary').textContent = who + ' to join ' + invitation.organization_name + ' as ' + invitation.role + '.';
      $('for-email').textContent = invitation.email;
      $('email').value = invitation.email;
      say('Accepting needs you to be signed in as ' + invitation.email + '. Sign in below to accept.');
      show('invitation', true);
      var form = $('form');
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        busy($('submit'), true);
        say('Signing in…');
        post('/auth/login', { email: $('email').value, password: $('password').value }).then(function (login) {
          if (!login.ok) { busy($('submit'), false); say(login.message, 'error'); return; }
          say('Accepting the invitation…');
          return post('/invitations/accept', { token: token }, login.data.access_token).then(function (accepted) {
            if (!accepted.ok) { busy($('submit'), false); say(accepted.message, 'error'); return; }
            form.reset();
            show('invitation', false);
            say('You are now a member of ' + invitation.organization_name + ' as ' + accepted.data.role + '.', 'success');
          });
        });
      });
    });
  }

  // The one page without a token: it asks for the email that one is sent to.
  function forgotPassword() {
    var form = $('form');
    show('form', true);
    say('Enter the email address of your TeamFlow account: we send it a link to choose a new password.');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var email = $('email').value;
      busy($('submit'), true);
      say('Asking for a reset link…');
      post('/auth/password/forgot', { email: email }).then(function (result) {
        if (result.ok) {
          show('form', false);
          say('If ' + email + ' has a TeamFlow account, an email with a link to choose a new password is on its way. ' +
            'The link works for 1 hour, and your password stays as it is until you use it. ' +
            'Nothing after a few minutes? Look in your spam folder, or open this page again to ask for another.', 'success');
        } else {
          busy($('submit'), false);
          say(result.message, 'error');
        }
      });
    });
  }

  if (page === 'forgot-password') {
    forgotPassword();
    return;
  }
  if (!token) {
    say('This link has no token. Open the link from your email again, or copy it whole into the address bar.', 'error');
    return;
  }
  if (page === 'verify-email') verifyEmail();
  else if (page === 'reset-password') resetPassword();
  else if (page === 'accept-invitation') acceptInvitation();
})();
`;
