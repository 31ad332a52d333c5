import type { LookupAddress } from 'node:dns';
import { ForbiddenAddressError, isPublicAddress, publicAddressLookup } from './public-address';

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'IPv6 loopback'],
    ['10.1.2.3', 'private (RFC 1918)'],
    ['172.16.0.1', 'private (RFC 1918)'],
    ['172.31.255.254', 'private (RFC 1918)'],
    ['192.168.1.1', 'private (RFC 1918)'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['fe80::1', 'IPv6 link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'IPv6 multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network'],
    ['::', 'IPv6 unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['64:ff9b::a00:1', 'NAT64 of a private address'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['localhost', 'not an address'],
    ['', 'not an address'],
  ])('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
  ])('accepts the public address %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('publicAddressLookup', () => {
  const lookup = (hostname: string, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>(
      (resolve) =>
        publicAddressLookup(hostname, { all }, (error, address) => resolve({ error, address })),
    );

  it.each([true, false])(
    'fails a name that resolves to loopback (all: %s), as the connection would ask',
    async (all) => {
      const { error } = await lookup('localhost', all);
      expect(error).toBeInstanceOf(ForbiddenAddressError);
    },
  );

  it('answers a public address in the form asked: all of them, or the first', async () => {
    expect(await lookup('8.8.8.8', true)).toEqual({
      error: null,
      address: [{ address: '8.8.8.8', family: 4 }],
    });
    expect(await lookup('8.8.8.8', false)).toEqual({ error: null, address: '8.8.8.8' });
  });

  it('passes on the resolver’s own failure', async () => {
    const { error } = await lookup('no-such-host.invalid', true);
    expect(error).not.toBeInstanceOf(ForbiddenAddressError);
    // ENOTFOUND, or EAI_AGAIN on a machine without a resolver.
    expect(error?.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
  });
});
