import { refusedAddressReason } from '../../infra/outbound-address';

test.each([
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['::', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456::1', 'unique-local'],
  ['169.254.169.254', 'link-local'],
  ['fe80::1', 'link-local'],
  ['febf::1', 'link-local'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['100.127.255.255', 'carrier-grade NAT'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['ff02::1', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['192.0.0.8', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['198.19.255.255', 'reserved'],
  ['240.0.0.1', 'reserved'],
  ['::7f00:1', 'reserved'],
  ['2001::1', 'reserved'],
  ['192.0.2.1', 'documentation'],
  ['2001:db8::1', 'documentation'],
  // IPv4-mapped IPv6, dotted and hex (the form WHATWG URL normalizes to): the IPv4 rules apply.
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['[::ffff:a9fe:a9fe]', 'link-local'],
  ['::ffff:10.1.2.3', 'private'],
  ['64:ff9b::7f00:1', 'IPv4 translation'],
  ['2002:7f00:1::', 'IPv4 translation'],
  ['localhost', 'not an IP address'],
  ['', 'not an IP address'],
])('%s is refused (%s)', (address, reason) => {
  expect(refusedAddressReason(address)).toBe(reason);
});

test.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.169.0.1', '223.255.255.255', '2606:2800:220:1::', '[2606:2800:220:1::]', '2a00:1450:4001:80b::200e', '::ffff:93.184.216.34'])(
  '%s is a public address',
  (address) => {
    expect(refusedAddressReason(address)).toBeNull();
  },
);

test.each([
  // WHATWG URL turns decimal, octal and hex IPv4 spellings into the dotted form before any check.
  ['http://2130706433/', 'loopback'],
  ['http://0177.0.0.1/', 'loopback'],
  ['http://0x7f.1/', 'loopback'],
  ['http://0xa9fea9fe/', 'link-local'],
  ['http://[::ffff:127.0.0.1]/', 'loopback'],
  ['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
])('the host of %s is refused (%s)', (url, reason) => {
  expect(refusedAddressReason(new URL(url).hostname)).toBe(reason);
});
