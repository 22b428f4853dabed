// Which addresses an `http` step may reach: public ones, or any address of an allow-listed origin.
// Names are checked after DNS resolution inside the connection's own lookup, so the address that was checked
// is the address connected to (no window for DNS rebinding); every redirect goes through the same check.
import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { StepRejected } from './step-errors';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, includes the 169.254.169.254 metadata service
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['fd00:ec2::', 32], // the EC2 metadata service over IPv6
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const embedded = embeddedIpv4(address);
  if (embedded) return blocked.check(embedded, 'ipv4');
  return blocked.check(address, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or NAT64 address. */
function embeddedIpv4(address: string): string | null {
  const groups = expandIpv6(address);
  if (!groups) return null;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && (groups[5] === 0xffff || groups[5] === 0);
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (!mapped && !nat64) return null;
  if (mapped && groups[5] === 0 && groups[6] === 0) return null; // :: and ::1 are IPv6 themselves
  const high = groups[6]!;
  const low = groups[7]!;
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split('.').map(Number) as [number, number, number, number];
    text = text.replace(dotted[1], `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`);
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined && left.length !== 8) return null;
  const groups = [...left, ...Array(Math.max(missing, 0)).fill('0'), ...right].map((g) =>
    Number.parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

function refusal(origin: string, address: string): StepRejected {
  return new StepRejected(
    `${origin} resolves to a private, loopback, link-local or metadata address (${address}); ` +
      'add the origin to settings.httpAllowList to allow it',
  );
}

/** Checks what can be checked before connecting: the scheme, and an IP literal host. */
export function assertReachable(url: URL, allowList: string[]): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StepRejected(`only http and https URLs are allowed, not ${url.protocol}`);
  }
  if (allowList.includes(url.origin)) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isPrivateAddress(host)) throw refusal(url.origin, host);
}

/**
 * The DNS lookup of one connection to `origin` (node:http's and node:https' `lookup` option): refuses private
 * addresses unless the origin is allow-listed, and hands the connection the addresses it checked.
 */
export function pinnedLookup(allowList: string[], origin: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const all = addresses as Array<{ address: string; family: number }>;
      const refused = allowList.includes(origin) ? undefined : all.find((a) => isPrivateAddress(a.address));
      if (refused) return callback(refusal(origin, refused.address), '', 4);
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: typeof all) => void)(null, all);
      const first = all[0]!;
      callback(null, first.address, first.family);
    });
  };
}
