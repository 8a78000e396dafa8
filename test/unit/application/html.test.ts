// HTML from templates: every value escaped, markup made by the tag itself kept.
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, mailDocument } from '../../../src/application/shared/html.js';
import { invitationEmail } from '../../../src/application/access/invitation-email.js';

describe('html', () => {
  it('escapes every value, in text and in attributes', () => {
    const name = `<script>alert('x')</script> & "Co"`;
    expect(html`<p title="${name}">${name}</p>`.markup).toBe(
      '<p title="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;">' +
        '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;</p>',
    );
  });

  it('puts markup it made into another template as it is', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}</p>`.markup).toBe('<p><b>&lt;i&gt;</b></p>');
  });

  it('escapes the title of a whole document', () => {
    expect(mailDocument('<x>', html`<p>hi</p>`)).toContain('<title>&lt;x&gt;</title>');
    expect(escapeHtml('a&b')).toBe('a&amp;b');
  });
});

describe('the invitation email', () => {
  it('escapes the organization and role names in its HTML, and keeps them as typed in its text', () => {
    const mail = invitationEmail('https://t.test', '<script>evil()</script>', 'Role "<b>"', 'tok');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;evil()&lt;/script&gt;');
    expect(mail.html).toContain('Role &quot;&lt;b&gt;&quot;');
    expect(mail.html).toContain('href="https://t.test/accept-invitation?token=tok"');
    expect(mail.text).toContain('join <script>evil()</script> on TeamFlow as Role "<b>"');
  });
});
