// Which resolved addresses an `http` step may reach: public ones, or any address of an allow-listed origin.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
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
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['fd00:ec2::', 32],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true;
}

/** Throws StepRejected unless the URL is http(s) and every address it resolves to may be reached. */
export async function assertReachable(url: URL, allowList: string[]): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StepRejected(`only http and https URLs are allowed, not ${url.protocol}`);
  }
  if (allowList.includes(url.origin)) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [host]
    : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  const refused = addresses.find(isPrivateAddress);
  if (refused !== undefined) {
    throw new StepRejected(
      `${url.origin} resolves to a private, loopback or link-local address (${refused}); ` +
        'add the origin to settings.httpAllowList to allow it',
    );
  }
}
