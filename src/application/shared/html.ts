// HTML made from templates: every value put into one is escaped, so a name or an organization
// name typed by a user (`<script>`, quotes in an attribute) is always text, never markup.

/** Markup made by `html` (its values already escaped): put into another template as it is. */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML text or as a quoted attribute's value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/** A template literal tag: each value escaped, unless it is markup `html` made itself. */
export function html(strings: TemplateStringsArray, ...values: (string | SafeHtml)[]): SafeHtml {
  let markup = strings[0]!;
  values.forEach((value, i) => {
    markup += (value instanceof SafeHtml ? value.markup : escapeHtml(value)) + strings[i + 1]!;
  });
  return new SafeHtml(markup);
}

/** A whole message's HTML part around `body`. */
export function mailDocument(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
      </head>
      <body style="font-family: sans-serif; line-height: 1.5">
        ${body}
      </body>
    </html> `.markup;
}
