import { TrafficMeter, type DeviceTraffic } from './traffic-meter';

const TENANT = '6f1c3a52-0d5e-4a8e-9f4b-2f1f7c1d9a01';
const HOUR = Date.UTC(2026, 3, 4, 14);

const byDevice = (traffic: DeviceTraffic[]) =>
  Object.fromEntries(traffic.map((entry) => [`${entry.deviceId}@${entry.hour}`, entry]));

describe('TrafficMeter', () => {
  it("splits a batch's bytes by each device's share of its items; each device counts one request and answer", () => {
    const meter = new TrafficMeter();
    meter.record(TENANT, ['A', 'B', 'A', 'A'], 1001, 43, HOUR + 5000);
    expect(byDevice(meter.drain())).toEqual({
      [`A@${HOUR}`]: {
        tenantId: TENANT,
        deviceId: 'A',
        hour: HOUR,
        firstAt: HOUR + 5000,
        lastAt: HOUR + 5000,
        uploadBytes: 751,
        downloadBytes: 32,
        uploadPackets: 1,
        downloadPackets: 1,
      },
      [`B@${HOUR}`]: {
        tenantId: TENANT,
        deviceId: 'B',
        hour: HOUR,
        firstAt: HOUR + 5000,
        lastAt: HOUR + 5000,
        uploadBytes: 250,
        downloadBytes: 11,
        uploadPackets: 1,
        downloadPackets: 1,
      },
    });
  });

  it('adds up the exchanges of a device within an hour, and counts each hour apart', () => {
    const meter = new TrafficMeter();
    meter.record(TENANT, ['A'], 100, 10, HOUR + 1000);
    meter.record(TENANT, ['A'], 200, 20, HOUR + 9000);
    meter.record(TENANT, ['A'], 400, 40, HOUR + 3_600_000);
    const counted = byDevice(meter.drain());
    expect(counted[`A@${HOUR}`]).toMatchObject({
      firstAt: HOUR + 1000,
      lastAt: HOUR + 9000,
      uploadBytes: 300,
      downloadBytes: 30,
      uploadPackets: 2,
      downloadPackets: 2,
    });
    expect(counted[`A@${HOUR + 3_600_000}`]).toMatchObject({ uploadBytes: 400, uploadPackets: 1 });
  });

  it('keeps tenants apart, even for the same device id', () => {
    const meter = new TrafficMeter();
    const other = '0b7f6a0e-5c7d-4d61-8a3e-1c2b3d4e5f60';
    meter.record(TENANT, ['A'], 100, 10, HOUR);
    meter.record(other, ['A'], 7, 3, HOUR);
    const drained = meter.drain();
    expect(drained).toHaveLength(2);
    expect(drained.find((entry) => entry.tenantId === other)).toMatchObject({ uploadBytes: 7 });
  });

  it('starts from zero after a drain, and takes back what a failed flush restores', () => {
    const meter = new TrafficMeter();
    meter.record(TENANT, ['A'], 100, 10, HOUR + 1000);
    const failed = meter.drain();
    expect(meter.drain()).toEqual([]);
    meter.record(TENANT, ['A'], 50, 5, HOUR + 2000);
    meter.restore(failed);
    expect(meter.drain()).toEqual([
      expect.objectContaining({
        firstAt: HOUR + 1000,
        lastAt: HOUR + 2000,
        uploadBytes: 150,
        downloadBytes: 15,
        uploadPackets: 2,
      }),
    ]);
    // What was restored is a copy: the drained entries are not changed behind the caller's back.
    expect(failed[0].uploadBytes).toBe(100);
  });
});
