import { deviceHref, routeOf } from './routes';

describe('routeOf', () => {
  it('is the fleet for an empty hash, `#/` and anything not a device', () => {
    expect(routeOf('')).toEqual({ view: 'fleet' });
    expect(routeOf('#/')).toEqual({ view: 'fleet' });
    expect(routeOf('#/devices/')).toEqual({ view: 'fleet' });
    expect(routeOf('#/settings')).toEqual({ view: 'fleet' });
  });

  it("is a device's view, its id decoded", () => {
    expect(routeOf('#/devices/352848024123456')).toEqual({
      view: 'device',
      deviceId: '352848024123456',
    });
    expect(routeOf('#/devices/truck%2F7%20north')).toEqual({
      view: 'device',
      deviceId: 'truck/7 north',
    });
  });

  it('takes an id with a malformed escape as written instead of throwing', () => {
    expect(routeOf('#/devices/100%')).toEqual({ view: 'device', deviceId: '100%' });
  });
});

describe('deviceHref', () => {
  it.each(['352848024123456', 'truck/7 north', 'a#b?c%d', 'ünïcode'])(
    'round-trips %p through routeOf',
    (deviceId) => {
      const href = deviceHref(deviceId);
      expect(href.startsWith('#/devices/')).toBe(true);
      expect(href.slice('#/devices/'.length)).not.toMatch(/[/#? ]/);
      expect(routeOf(href)).toEqual({ view: 'device', deviceId });
    },
  );
});
