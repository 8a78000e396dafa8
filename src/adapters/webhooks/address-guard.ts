// The SSRF guard of webhooks: an endpoint may not point into the network the server sits in.
// Refused: loopback, private (RFC 1918, carrier-grade NAT), link-local (169.254.0.0/16 holds the
// clouds' metadata service, 169.254.169.254), IPv6 unique-local (fd00:ec2::254 is AWS's metadata
// over IPv6) and link-local, unspecified, multicast, reserved and documentation ranges. IPv4 in
// IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it holds.
//
// The guard runs where the URL is set (a clear 422) and again as the connection's own DNS lookup,
// on every address the name resolves to at that moment: a name that resolved to a public address
// when it was set and to 127.0.0.1 now (DNS rebinding) is refused before any byte is sent.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { lookup as lookupAll } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { WebhookUrlGuard } from '../../application/webhooks/ports.js';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT; holds Alibaba's metadata, 100.100.100.200
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (an IP literal) is one a webhook may not reach. */
export function isRefusedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class RefusedAddressError extends Error {
  readonly code = 'EWEBHOOKADDRESS';
  constructor(host: string) {
    super(`${host} resolves to a private, loopback, link-local or reserved address`);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that resolves as usual and refuses the connection when any address
 * the name resolves to is refused (a name with one private address among public ones is refused
 * whole: which one the connection would use is not ours to pick).
 */
export function guardedLookup(
  hostname: string,
  options: LookupOptions,
  callback: LookupCallback,
): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    if (addresses.length === 0 || addresses.some((a) => isRefusedAddress(a.address))) {
      return callback(new RefusedAddressError(hostname), []);
    }
    if (options.all === true) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}

/** The URL's host without IPv6 brackets. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** The guard where an endpoint's URL is set: its host must resolve, to allowed addresses only. */
export function webhookUrlGuard(options: {
  readonly allowPrivateNetworks: boolean;
}): WebhookUrlGuard {
  return {
    async check(raw) {
      if (options.allowPrivateNetworks) return undefined;
      const host = hostOf(new URL(raw));
      if (isIP(host) !== 0) {
        return isRefusedAddress(host) ? new RefusedAddressError(host).message : undefined;
      }
      let addresses: LookupAddress[];
      try {
        addresses = await lookupAll(host, { all: true });
      } catch {
        return `${host} does not resolve`;
      }
      return addresses.length === 0 || addresses.some((a) => isRefusedAddress(a.address))
        ? new RefusedAddressError(host).message
        : undefined;
    },
  };
}
