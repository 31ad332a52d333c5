import 'reflect-metadata';
import { ApiError } from '../common/errors/api-error';
import { DEFAULT_DEVICE_TIME_WINDOW, type DeviceTimeWindow } from '../config/app-config';
import { MAX_JSON_DEPTH, toStoredJson } from './stored-json';
import { readTrackerMessage } from './tracker-message.reader';

/** Each message's arrival: device times are judged against it. */
const NOW = Date.parse('2026-06-15T12:00:00.000Z');
const DAY_S = 86_400;

/** The reference `gnss-in-motion` body. */
const MESSAGE = {
  trackerId: '600a0002d7026715',
  timestamp: 1669213337,
  status: { inMotion: true },
  location: { timestamp: 1669213301, type: 'gnss', accuracy: 4.821, lng: -122.4194, lat: 37.77493 },
  sensors: { temperature: 21, batteryLevel: 87.35612 },
  alerts: [],
  cellInfo: { timestamp: 1669213332, mode: 'eMTC', mcc: '310', mnc: '410', signalStrength: -71 },
  gnssInfo: { timestamp: 1669213301, satellitesUsed: 9 },
};

type Body = Record<string, unknown>;

const read = (body: unknown, window: DeviceTimeWindow = DEFAULT_DEVICE_TIME_WINDOW) =>
  readTrackerMessage(body, NOW, window);
const withLocation = (change: Body): Body => ({
  ...MESSAGE,
  location: { ...MESSAGE.location, ...change },
});
const fields = (body: unknown) => read(body).warnings.map((warning) => warning.field);

function refusal(body: unknown): ApiError {
  try {
    read(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('readTrackerMessage', () => {
  it('reads a complete message, with no warning', () => {
    expect(read(MESSAGE)).toEqual({
      reading: {
        trackerId: '600a0002d7026715',
        recordedAt: '2022-11-23T14:22:17.000Z',
        status: { inMotion: true },
        sensors: { temperature: 21, batteryLevel: 87.35612 },
        location: {
          recordedAt: '2022-11-23T14:21:41.000Z',
          type: 'gnss',
          accuracy: 4.821,
          lat: 37.77493,
          lon: -122.4194,
        },
        alerts: [],
        cellInfo: MESSAGE.cellInfo,
        gnssInfo: MESSAGE.gnssInfo,
      },
      message: toStoredJson(MESSAGE).text,
      warnings: [],
    });
  });

  it('takes `lon` for `lng`, and prefers `lng` when both differ', () => {
    const { lng, ...location } = MESSAGE.location;
    expect(read({ ...MESSAGE, location: { ...location, lon: lng } }).reading.location).toEqual(
      read(MESSAGE).reading.location,
    );
    const both = read(withLocation({ lon: 1 }));
    expect(both.reading.location?.lon).toBe(-122.4194);
    expect(both.warnings).toEqual([{ field: 'location.lon', message: expect.any(String) }]);
    expect(read(withLocation({ lng: 200, lon: 1 })).reading.location?.lon).toBe(1);
  });

  it.each([
    ['timestamp 0', { timestamp: 0 }],
    ['the accuracy of the sentinel', { accuracy: 6371009 }],
    ['the whole sentinel', { timestamp: 0, type: 'gnss', accuracy: 6371009, lng: 0, lat: 90 }],
  ])('makes no position of the no-fix sentinel (%s), silently', (_label, change) => {
    const result = read(withLocation(change));
    expect(result.reading.location).toBeNull();
    expect(result.warnings).toEqual([]);
  });

  it('treats empty nested objects and absent keys as nothing reported', () => {
    const result = read({ trackerId: 'a', timestamp: 1, status: {}, cellInfo: {}, gnssInfo: {} });
    expect(result.reading).toMatchObject({
      status: {},
      sensors: {},
      location: null,
      alerts: [],
      cellInfo: null,
      gnssInfo: null,
    });
    expect(result.warnings).toEqual([]);
  });

  it.each([
    ['null', null],
    ['an array', [MESSAGE]],
    ['a string', 'message'],
    ['a number', 1],
  ])('refuses a body that is %s', (_label, body) => {
    expect(refusal(body).status).toBe(400);
  });

  it.each([
    ['missing', undefined, 'trackerId must be a string'],
    ['null', null, 'trackerId must be a string'],
    ['a number', 42, 'trackerId must be a string'],
    ['empty', '', expect.stringContaining('longer')],
    ['too long', 'a'.repeat(65), expect.stringContaining('shorter')],
    ['holding NUL', 'a\u0000', expect.stringContaining('control characters')],
    ['holding U+0001', 'a\u0001b', expect.stringContaining('control characters')],
    ['holding a vertical tab', 'a\u000bb', expect.stringContaining('control characters')],
    ['holding a line feed', 'a\nb', expect.stringContaining('control characters')],
    ['holding DEL', 'a\u007f', expect.stringContaining('control characters')],
    ['holding a C1 control', '\u0085a', expect.stringContaining('control characters')],
    ['holding U+009F', 'a\u009f', expect.stringContaining('control characters')],
  ])('refuses a trackerId that is %s, naming it', (_label, trackerId, message) => {
    expect(refusal({ ...MESSAGE, trackerId }).details).toEqual([{ field: 'trackerId', message }]);
  });

  it(`refuses a body nested deeper than ${MAX_JSON_DEPTH} levels, however deep`, () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(refusal({ ...MESSAGE, alerts: deep }).status).toBe(400);
  });

  it.each<[string, Body, string[]]>([
    ['battery above 100', { sensors: { batteryLevel: 300 } }, ['sensors.batteryLevel']],
    ['battery below 0', { sensors: { batteryLevel: -1 } }, ['sensors.batteryLevel']],
    ['temperature below -100', { sensors: { temperature: -300 } }, ['sensors.temperature']],
    ['temperature null', { sensors: { temperature: null } }, ['sensors.temperature']],
    ['a flag that is not boolean', { status: { inGeofence: 1 } }, ['status.inGeofence']],
    ['status not an object', { status: 'moving' }, ['status']],
    ['sensors an array', { sensors: [21] }, ['sensors']],
    ['a positive RSSI', { cellInfo: { signalStrength: 5 } }, ['cellInfo.signalStrength']],
    ['an unknown cell mode', { cellInfo: { mode: 'LTE' } }, ['cellInfo.mode']],
    ['a 2-digit mcc', { cellInfo: { mcc: '31' } }, ['cellInfo.mcc']],
    ['a numeric mnc', { cellInfo: { mnc: 410 } }, ['cellInfo.mnc']],
    ['negative satellites', { gnssInfo: { satellitesUsed: -1 } }, ['gnssInfo.satellitesUsed']],
    ['alerts not an array', { alerts: 'shockDetected' }, ['alerts']],
    ['an unknown alert', { alerts: ['shockDetected', 'doorOpened', 7] }, ['alerts.1', 'alerts.2']],
  ])('drops %s, alone, with a warning', (_label, change, dropped) => {
    expect(fields({ ...MESSAGE, ...change })).toEqual(dropped);
  });

  it('keeps the rest of a nested object when one of its values is dropped', () => {
    const result = read({ ...MESSAGE, sensors: { temperature: 21, batteryLevel: 300 } });
    expect(result.reading.sensors).toEqual({ temperature: 21 });
    const cell = read({ ...MESSAGE, cellInfo: { ...MESSAGE.cellInfo, mode: 'LTE' } });
    expect(cell.reading.cellInfo).toEqual({ ...MESSAGE.cellInfo, mode: undefined });
  });

  it('keeps each known alert once, in the order sent', () => {
    expect(
      read({ ...MESSAGE, alerts: ['shockDetected', 'x', 'batteryLow', 'shockDetected'] }).reading
        .alerts,
    ).toEqual(['shockDetected', 'batteryLow']);
  });

  it.each<[string, Body]>([
    ['lat out of range', { lat: 180 }],
    ['lat missing', { lat: undefined }],
    ['lng out of range and no lon', { lng: -181 }],
    ['timestamp negative', { timestamp: -1 }],
    ['timestamp in the future', { timestamp: NOW / 1000 + 3600 }],
  ])('stores no position when the location has %s, and says so', (_label, change) => {
    const result = read(withLocation(change));
    expect(result.reading.location).toBeNull();
    expect(result.warnings.map((warning) => warning.field)).toContain('location');
  });

  it('keeps the position without its type or accuracy when only those are impossible', () => {
    const result = read(withLocation({ type: 'satellite', accuracy: -3 }));
    expect(result.reading.location).toMatchObject({ type: null, accuracy: null, lat: 37.77493 });
    expect(result.warnings.map((warning) => warning.field)).toEqual([
      'location.type',
      'location.accuracy',
    ]);
  });

  it.each([
    ['missing', undefined],
    ['text', '1669213337'],
    ['negative', -1],
    ['more than 10 minutes ahead', NOW / 1000 + 601],
  ])('dates a message by its arrival when its timestamp is %s', (_label, timestamp) => {
    const result = read({ ...MESSAGE, timestamp });
    expect(result.reading.recordedAt).toBe(new Date(NOW).toISOString());
    expect(result.warnings).toEqual([
      { field: 'timestamp', message: expect.stringContaining('dated by its arrival') },
    ]);
  });

  it('accepts a fractional timestamp, and one a few minutes ahead (clock skew)', () => {
    expect(read({ ...MESSAGE, timestamp: 1669213337.25 }).reading.recordedAt).toBe(
      '2022-11-23T14:22:17.250Z',
    );
    const ahead = read({ ...MESSAGE, timestamp: NOW / 1000 + 300 });
    expect(ahead.warnings).toEqual([]);
  });

  it('accepts a trackerId of any other printable text', () => {
    for (const trackerId of ['a b', 'ü-ñ_é', '\u00a0x', '\u{1F600}', 'x'.repeat(64)]) {
      expect(read({ ...MESSAGE, trackerId }).reading.trackerId).toBe(trackerId);
    }
  });

  describe('judges device times by the configured window', () => {
    /** No more than a minute ahead, no more than 30 days old. */
    const narrow: DeviceTimeWindow = { maxFutureMs: 60_000, maxAgeMs: 30 * DAY_S * 1000 };
    const recent = NOW / 1000 - DAY_S;
    const old = NOW / 1000 - 31 * DAY_S;
    const fresh = {
      ...MESSAGE,
      timestamp: recent,
      location: { ...MESSAGE.location, timestamp: recent },
      cellInfo: { ...MESSAGE.cellInfo, timestamp: recent },
      gnssInfo: { ...MESSAGE.gnssInfo, timestamp: recent },
    };

    it('keeps every time inside it', () => {
      expect(read(fresh, narrow).warnings).toEqual([]);
    });

    it('dates a message by its arrival when its timestamp is older than the floor', () => {
      const result = read({ ...fresh, timestamp: old }, narrow);
      expect(result.reading.recordedAt).toBe(new Date(NOW).toISOString());
      expect(result.warnings).toEqual([
        {
          field: 'timestamp',
          message:
            'timestamp must not be more than 30 days in the past; the message is dated by its arrival',
        },
      ]);
    });

    it('stores no position when the location is older than the floor, and says so', () => {
      const result = read({ ...fresh, location: { ...fresh.location, timestamp: old } }, narrow);
      expect(result.reading.location).toBeNull();
      expect(result.warnings.map((warning) => warning.field)).toEqual([
        'location.timestamp',
        'location',
      ]);
    });

    it('drops a cell or GNSS time outside it, alone', () => {
      const result = read(
        {
          ...fresh,
          cellInfo: { ...fresh.cellInfo, timestamp: old },
          gnssInfo: { ...fresh.gnssInfo, timestamp: NOW / 1000 + 61 },
        },
        narrow,
      );
      expect(result.warnings).toEqual([
        {
          field: 'cellInfo.timestamp',
          message: 'timestamp must not be more than 30 days in the past',
        },
        {
          field: 'gnssInfo.timestamp',
          message: 'timestamp must not be more than 1 minute in the future',
        },
      ]);
      expect(result.reading.cellInfo).toEqual({ ...fresh.cellInfo, timestamp: undefined });
      expect(result.reading.location).not.toBeNull();
    });

    it('still takes location timestamp 0 as the no-fix sentinel, silently', () => {
      const result = read({ ...fresh, location: { ...fresh.location, timestamp: 0 } }, narrow);
      expect(result.reading.location).toBeNull();
      expect(result.warnings).toEqual([]);
    });

    it('applies its own skew: 2 minutes ahead passes the default window, not a 1-minute one', () => {
      const ahead = { ...fresh, timestamp: NOW / 1000 + 120 };
      expect(read(ahead).warnings).toEqual([]);
      expect(read(ahead, narrow).warnings.map((warning) => warning.field)).toEqual(['timestamp']);
    });
  });

  it('stores unknown keys and keeps their values out of the reading', () => {
    const result = read({ ...MESSAGE, firmware: '3.2', status: { inMotion: true, charging: 1 } });
    expect(result.warnings).toEqual([]);
    expect(result.reading.status).toEqual({ inMotion: true });
    expect(JSON.parse(result.message)).toMatchObject({ firmware: '3.2', status: { charging: 1 } });
  });
});

describe('toStoredJson', () => {
  it('gives equal text for equal content, whatever the key order', () => {
    const a = toStoredJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } });
    const b = toStoredJson({ a: { c: null, d: [1, { e: 3, f: 2 }] }, b: 1 });
    expect(a.text).toBe(b.text);
    expect(a.text).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });

  it('replaces NUL and lone surrogates, in keys and values, and reports where', () => {
    const stored = toStoredJson({ 'k\u0000': ['ok', 'x\ud800y'], pair: '\u{1F600}' });
    expect(JSON.parse(stored.text)).toEqual({ 'k\uFFFD': ['ok', 'x\uFFFDy'], pair: '\u{1F600}' });
    expect(stored.repairs.map((repair) => repair.field)).toEqual(['k\uFFFD', 'k\uFFFD.1']);
  });

  it('keeps a "__proto__" key as data', () => {
    const body = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as object;
    expect(toStoredJson(body).text).toBe('{"__proto__":{"polluted":true},"a":1}');
  });
});
