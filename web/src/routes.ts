/** The page's views by location hash: `#/` the fleet, `#/devices/<id>` one device. */
export type Route = { view: 'fleet' } | { view: 'device'; deviceId: string };

export const deviceHref = (deviceId: string) => `#/devices/${encodeURIComponent(deviceId)}`;

/** Anything that is not a device's hash is the fleet. */
export function routeOf(hash: string): Route {
  const device = /^#\/devices\/(.+)$/.exec(hash);
  return device ? { view: 'device', deviceId: decoded(device[1]) } : { view: 'fleet' };
}

/**
 * A hash typed or pasted by hand may hold a malformed escape ("%E0"), which decodeURIComponent
 * throws on: that id is taken as written, and the device view says whether such a device exists.
 */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
