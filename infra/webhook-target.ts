// Where a webhook may be sent. In production only to https:// URLs whose host resolves to public
// addresses only: otherwise anyone with an admin key could make the worker call inside its own
// network (metrics ports, the cloud metadata service at 169.254.169.254, databases) and read what
// happened in the delivery log. Development and tests opt in to http:// and local receivers.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { refusedAddressReason } from './outbound-address';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name resolves to. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface WebhookTargetPolicy {
  /** http:// URLs and loopback, private or other internal addresses allowed (development, tests). */
  allowPrivateTargets: boolean;
  /** The system resolver (dns.lookup, all addresses) when omitted. */
  resolve?: Resolver;
}

/** Production's rules: what applies wherever nothing else was configured. */
export const STRICT_TARGETS: WebhookTargetPolicy = { allowPrivateTargets: false };

/** A target this policy never sends to: a configuration error, not a receiver that is down. */
export class RefusedTarget extends Error {
  override readonly name = 'RefusedTarget';
}

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** The host without IPv6 brackets: `[::1]` is `::1`. */
const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Why `url` can never be a target under `policy`, from the URL alone (no DNS), or null. */
export function urlRefusal(url: URL, policy: WebhookTargetPolicy): string | null {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http:// or https:// URL';
  if (policy.allowPrivateTargets) return null;
  if (url.protocol !== 'https:') return 'must be an https:// URL (http:// is for development only)';
  const host = bareHost(url);
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine`;
  if (isIP(host) === 0) return null;
  const reason = refusedAddressReason(host);
  return reason ? `${host} is a ${reason} address` : null;
}

/**
 * The addresses to connect to for `url`: the host resolved once, and every address it resolves to
 * allowed. Throws RefusedTarget before anything is sent; a failing lookup throws as it is.
 */
export async function resolveTarget(url: URL, policy: WebhookTargetPolicy): Promise<ResolvedAddress[]> {
  const refusal = urlRefusal(url, policy);
  if (refusal) throw new RefusedTarget(refusal);
  const host = bareHost(url);
  const family = isIP(host);
  const addresses = family !== 0 ? [{ address: host, family }] : await (policy.resolve ?? systemResolver)(host);
  if (addresses.length === 0) throw new Error(`${host} resolves to no address`);
  if (policy.allowPrivateTargets) return addresses;
  // One internal address is enough to refuse: which one a connection would use is not ours to pick.
  for (const { address } of addresses) {
    const reason = refusedAddressReason(address);
    if (reason) throw new RefusedTarget(`${host} resolves to ${address}, a ${reason} address`);
  }
  return addresses;
}
