// Runs the Mailer contract against the log mailer and against nodemailer talking to a real SMTP server.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { logMailer } from '../../src/adapters/mail/log-mailer.js';
import { smtpMailer } from '../../src/adapters/mail/smtp-mailer.js';
import { mailerContract } from './mailer.contract.js';
import type { ReceivedMail } from './mailer.contract.js';

mailerContract('logMailer', () => {
  const mailer = logMailer({ info: () => {} });
  return Promise.resolve({
    mailer,
    received: () =>
      Promise.resolve(
        mailer.sent.map(({ to, subject, text, headers }) => ({
          to,
          subject,
          text,
          ...(headers && {
            headers: Object.fromEntries(
              Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
            ),
          }),
        })),
      ),
    cleanup: () => mailer.close(),
  });
});

mailerContract('smtpMailer', async () => {
  const raw: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        raw.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const mailer = smtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'TeamFlow <no-reply@test>' });
  return {
    mailer,
    received: () => Promise.resolve(raw.map(parseMail)),
    cleanup: async () => {
      await mailer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
});

describe('smtpMailer', () => {
  it('rejects send when the SMTP server cannot be reached', async () => {
    const port = await closedPort();
    const mailer = smtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'no-reply@test' });
    try {
      await expect(
        mailer.send({ to: 'ada@example.com', subject: 'Hi', text: 'Hello' }),
      ).rejects.toThrow();
      await expect(mailer.verify()).rejects.toThrow();
    } finally {
      await mailer.close();
    }
  });
});

describe('logMailer', () => {
  it('keeps only the last 100 messages', async () => {
    const mailer = logMailer({ info: () => {} });
    for (let n = 0; n < 105; n++) {
      await mailer.send({ to: 'a@example.com', subject: `S${n}`, text: 'T' });
    }
    expect(mailer.sent).toHaveLength(100);
    expect(mailer.sent[0]?.subject).toBe('S5');
    expect(mailer.sent[99]?.subject).toBe('S104');
  });
});

/** A port nothing listens on: bind one, note it, release it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

// A minimal MIME reader for what nodemailer writes: headers, one text/plain part (maybe inside
// multipart/alternative), 7bit, quoted-printable or base64 bodies.
function parseMail(raw: string): ReceivedMail {
  // The final CRLF is the line end SMTP puts before its terminating dot, not part of the text.
  const { headers, body } = splitEntity(raw.replace(/\r\n$/, ''));
  const textPart = findTextPart(headers, body);
  const extra = [...headers].filter(([name]) => name.startsWith('list-'));
  return {
    to: headers.get('to') ?? '',
    subject: decodeEncodedWords(headers.get('subject') ?? ''),
    text: textPart,
    ...(extra.length > 0 && { headers: Object.fromEntries(extra) }),
  };
}

function splitEntity(entity: string): { headers: Map<string, string>; body: string } {
  const end = entity.indexOf('\r\n\r\n');
  const head = end === -1 ? entity : entity.slice(0, end);
  const body = end === -1 ? '' : entity.slice(end + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function findTextPart(headers: Map<string, string>, body: string): string {
  const contentType = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (contentType.toLowerCase().startsWith('multipart/') && boundary !== undefined) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const entity = splitEntity(part.replace(/^\r\n/, ''));
      const text = findTextPart(entity.headers, entity.body.replace(/\r\n$/, ''));
      if ((entity.headers.get('content-type') ?? 'text/plain').startsWith('text/plain'))
        return text;
      if (text !== '') return text;
    }
    return '';
  }
  if (!contentType.toLowerCase().startsWith('text/plain')) return '';
  return decodeBody(body, headers.get('content-transfer-encoding') ?? '7bit').replace(
    /\r\n/g,
    '\n',
  );
}

function decodeBody(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}

function decodeQuotedPrintable(text: string): string {
  const unwrapped = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < unwrapped.length; i++) {
    const hex = unwrapped.slice(i + 1, i + 3);
    if (unwrapped[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(unwrapped[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeEncodedWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi,
    (_match, _charset, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}
