/** The page's views by location hash: `#/` the fleet, `#/devices/<id>` one device. */
export type Route = { view: 'fleet' } | { view: 'device'; deviceId: string };

export const deviceHref = (deviceId: string) => `#/devices/${encodeURIComponent(deviceId)}`;

/** Anything that is not a device's hash is the fleet. */
export function routeOf(hash: string): Route {
  const device = /^#\/devices\/(.+)$/.exec(hash);
  return device ? { view: 'device', deviceId: decodeURIComponent(device[1]) } : { view: 'fleet' };
}
