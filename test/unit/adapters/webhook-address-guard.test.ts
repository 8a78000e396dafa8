// The webhooks' SSRF guard: which addresses are refused, the URL check where an endpoint is set,
// and the connection's own lookup (the connect-time check a DNS rebind cannot slip past): a name
// that resolves to loopback is refused before any byte is sent, with the receiver listening.
import { describe, expect, it } from 'vitest';
import {
  guardedLookup,
  isRefusedAddress,
  webhookUrlGuard,
} from '../../../src/adapters/webhooks/address-guard.js';
import { httpWebhookSender } from '../../../src/adapters/webhooks/http-sender.js';
import { startWebhookReceiver } from '../../support/webhook-receiver.js';

describe('refused addresses', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isRefusedAddress(address)).toBe(true);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isRefusedAddress(address)).toBe(false);
    },
  );
});

describe('where an endpoint is set', () => {
  const guard = webhookUrlGuard({ allowPrivateNetworks: false });

  it('refuses a private address, literal or by name', async () => {
    expect(await guard.check('http://127.0.0.1:8080/x')).toMatch(/private, loopback/);
    expect(await guard.check('http://[::1]/x')).toMatch(/private, loopback/);
    expect(await guard.check('http://localhost/x')).toMatch(/localhost resolves to a private/);
    expect(await guard.check('http://93.184.215.14/x')).toBeUndefined();
  });

  it('lets everything through when private networks are allowed', async () => {
    const open = webhookUrlGuard({ allowPrivateNetworks: true });
    expect(await open.check('http://127.0.0.1/x')).toBeUndefined();
  });
});

describe('when the connection is made', () => {
  it('refuses, in its lookup, a name that resolves to loopback', async () => {
    const error = await new Promise<Error | null>((resolve) =>
      guardedLookup('localhost', {}, (failure) => resolve(failure)),
    );
    expect(error?.message).toMatch(/localhost resolves to a private/);
  });

  it('sends nothing to a listening receiver behind such a name, or at such an address', async () => {
    const receiver = await startWebhookReceiver();
    const sender = httpWebhookSender({
      timeoutMs: 5_000,
      allowPrivateNetworks: false,
      now: () => new Date(),
      userAgent: 'test',
    });
    const delivery = {
      organizationId: crypto.randomUUID(),
      id: crypto.randomUUID(),
      endpointId: crypto.randomUUID(),
      eventType: 'webhook.ping',
      body: '{}',
      attempts: 0,
      tries: 0,
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      claim: crypto.randomUUID(),
    };
    try {
      const byName = await sender.send(
        { ...delivery, url: receiver.url.replace('127.0.0.1', 'localhost') },
        'req-1',
      );
      expect(byName).toMatchObject({ statusCode: null, error: expect.stringMatching(/private/) });
      const byAddress = await sender.send({ ...delivery, url: receiver.url }, 'req-2');
      expect(byAddress).toMatchObject({
        statusCode: null,
        error: expect.stringMatching(/private/),
      });
      expect(receiver.received).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
