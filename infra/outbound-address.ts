// Which IP addresses an outbound webhook may connect to: public unicast only. Everything that
// reaches inside (this host, its network, the cloud's metadata service) or nowhere useful is
// refused. IPv4-mapped IPv6 (::ffff:a.b.c.d, also written ::ffff:7f00:1) is matched against the
// IPv4 ranges by net.BlockList itself.
import { BlockList, isIP } from 'node:net';

type Range = readonly [network: string, prefix: number];

/** Refused ranges by reason (IANA special-purpose registries, RFC 6890 and successors). */
const REFUSED: Record<string, { v4?: Range[]; v6?: Range[] }> = {
  loopback: { v4: [['127.0.0.0', 8]], v6: [['::1', 128]] },
  unspecified: { v4: [['0.0.0.0', 8]], v6: [['::', 128]] },
  private: { v4: [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]] },
  'unique-local': { v6: [['fc00::', 7]] },
  'link-local': { v4: [['169.254.0.0', 16]], v6: [['fe80::', 10]] },
  'carrier-grade NAT': { v4: [['100.64.0.0', 10]] },
  multicast: { v4: [['224.0.0.0', 4]], v6: [['ff00::', 8]] },
  broadcast: { v4: [['255.255.255.255', 32]] },
  reserved: {
    v4: [['192.0.0.0', 24], ['198.18.0.0', 15], ['240.0.0.0', 4]],
    // Deprecated IPv4-compatible addresses, discard-only, IETF protocol assignments (Teredo included), site-local.
    v6: [['::', 96], ['100::', 64], ['2001::', 23], ['fec0::', 10]],
  },
  documentation: {
    v4: [['192.0.2.0', 24], ['198.51.100.0', 24], ['203.0.113.0', 24]],
    v6: [['2001:db8::', 32]],
  },
  // The IPv4 address a translated one stands for is not visible here: refused rather than guessed.
  'IPv4 translation': { v6: [['64:ff9b::', 96], ['64:ff9b:1::', 48], ['2002::', 16]] },
};

const LISTS = Object.entries(REFUSED).map(([reason, { v4 = [], v6 = [] }]) => {
  const list = new BlockList();
  for (const [network, prefix] of v4) list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of v6) list.addSubnet(network, prefix, 'ipv6');
  return { reason, list };
});

/**
 * Why `address` (an IP literal, IPv6 with or without brackets) may not be a webhook target, or null
 * when it is a public address. Something that is not an IP address is refused too.
 */
export function refusedAddressReason(address: string): string | null {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return LISTS.find(({ list }) => list.check(bare, type))?.reason ?? null;
}
