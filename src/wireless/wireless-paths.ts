/** Where Wireless v1 is mounted: twilio-node's `client.wireless.baseUrl` is `<origin>/wireless`. */
export const WIRELESS_MOUNT = 'wireless';

/** The API version's path, the base of every resource URL. */
export const WIRELESS_V1 = `/${WIRELESS_MOUNT}/v1`;
