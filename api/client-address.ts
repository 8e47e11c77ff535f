// The address a client's requests are counted under: req.ip (which honours TRUST_PROXY), with
// IPv6 addresses cut to their /64 network. One IPv6 client usually holds a whole /64, so counting
// single addresses would hand it 2^64 fresh allowances.
import type { Request } from 'express';
import { isIPv6 } from 'node:net';

/** The eight groups of an IPv6 address, "::" expanded; undefined when it is not one. */
function groups(address: string): string[] | undefined {
  if (!isIPv6(address) || address.includes('.')) return undefined;
  const [head, tail] = address.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
}

export function countedAddress(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const ipv6 = groups(ip.replace(/%.*$/, ''));
  return ipv6 ? `${ipv6.slice(0, 4).join(':')}::/64` : ip;
}

export function clientAddress(req: Request): string {
  return countedAddress(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}
