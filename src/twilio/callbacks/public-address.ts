import { lookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * A callback to an address it may not reach (CALLBACKS_ALLOW_PRIVATE unset): recorded as given
 * up at once, for no retry would reach another address.
 */
export class ForbiddenAddressError extends Error {
  override readonly name = 'ForbiddenAddressError';

  constructor(hostname: string) {
    super(`Callbacks to ${hostname} are refused: it is not a public address`);
  }
}

/**
 * Whether an address is public: in none of ipaddr.js's special ranges (loopback, private,
 * carrier-grade NAT, link-local, unique-local, multicast, unspecified, broadcast, reserved, and
 * the IPv6 ranges that carry IPv4 addresses: NAT64, 6to4, Teredo), an IPv4-mapped IPv6 address
 * being judged as the IPv4 address it maps. Anything that is not an address is not public.
 */
export function isPublicAddress(address: string): boolean {
  return ipaddr.isValid(address) && ipaddr.process(address).range() === 'unicast';
}

/**
 * `lookup` for the callbacks' connections: resolves as the system does, then fails the connection
 * if any address found is not public. The check is on the addresses the socket then connects
 * to, so a name that resolves differently between a check and the connection (DNS rebinding)
 * cannot slip through. Literal IP addresses are never looked up: check them before connecting.
 */
export const publicAddressLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) {
      callback(error, '');
    } else if (
      addresses.length === 0 ||
      addresses.some(({ address }) => !isPublicAddress(address))
    ) {
      callback(new ForbiddenAddressError(hostname), '');
    } else if (options.all) {
      callback(null, addresses);
    } else {
      callback(null, addresses[0].address, addresses[0].family);
    }
  });
};
