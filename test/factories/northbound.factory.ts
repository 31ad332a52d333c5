import { randomBytes } from 'node:crypto';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import type { Random } from '../utils/prng';
import { withOverrides } from './overrides';

/** A tracker message as the API takes it (loosely typed: tests also send broken ones). */
export type TrackerBody = Record<string, unknown>;

/**
 * The reference request bodies of the Programmable Asset Tracker (application v3.1.2,
 * twilio/programmable-asset-tracker, MIT), verbatim: `lng-variant` is the example of the
 * application's own northbound documentation, the others are realistic bodies built as its
 * `DataProcessor` builds them. Together they hold all ten alerts and the no-fix sentinel.
 */
export const ASSET_TRACKER_SAMPLES: Record<string, TrackerBody> = {
  'alerts-multiple': {
    trackerId: '600a0002d7029c41',
    timestamp: 1669224410,
    status: {
      inMotion: true,
    },
    location: {
      timestamp: 1669216012,
      type: 'wifi+cell',
      accuracy: 38,
      lng: -0.1277583,
      lat: 51.50735,
    },
    sensors: {
      temperature: 27,
      batteryLevel: 86.71139,
    },
    alerts: ['motionStarted', 'shockDetected', 'temperatureHigh'],
    cellInfo: {},
    gnssInfo: {},
  },
  'battery-low-tampering': {
    trackerId: '600a0002d702b6e8',
    timestamp: 1669472236,
    status: {},
    location: {
      timestamp: 1669468544,
      type: 'wifi',
      accuracy: 25,
      lng: 24.94102,
      lat: 60.17332,
    },
    sensors: {
      temperature: 18,
      batteryLevel: 29.51847,
    },
    alerts: ['tamperingDetected', 'batteryLow'],
    cellInfo: {},
    gnssInfo: {},
  },
  'ble-geofence-entered': {
    trackerId: '600a0002d7029c41',
    timestamp: 1669386420,
    status: {
      inMotion: false,
      inGeofence: true,
    },
    location: {
      timestamp: 1669386362,
      type: 'ble',
      accuracy: 10,
      lng: 16.32,
      lat: 64.256,
    },
    sensors: {
      temperature: 12,
      batteryLevel: 64.83071,
    },
    alerts: ['geofenceEntered'],
    cellInfo: {},
    gnssInfo: {},
  },
  'geofence-exited-cell': {
    trackerId: 'c0010c2a69f088a4',
    timestamp: 1669559183,
    status: {
      inMotion: true,
      inGeofence: false,
      repossession: true,
    },
    location: {
      timestamp: 1669559121,
      type: 'cell',
      accuracy: 2200,
      lng: 13.40495,
      lat: 52.52001,
    },
    sensors: {
      batteryLevel: 64.01932,
    },
    alerts: ['geofenceExited'],
    cellInfo: {
      timestamp: 1669559178,
      mode: 'NBIoT',
      mcc: '262',
      mnc: '01',
      signalStrength: -97,
    },
    gnssInfo: {
      timestamp: 1669559116,
      satellitesUsed: 0,
    },
  },
  'gnss-in-motion': {
    trackerId: '600a0002d7026715',
    timestamp: 1669213337,
    status: {
      inMotion: true,
    },
    location: {
      timestamp: 1669213301,
      type: 'gnss',
      accuracy: 4.821,
      lng: -122.4194,
      lat: 37.77493,
    },
    sensors: {
      temperature: 21,
      batteryLevel: 87.35612,
    },
    alerts: [],
    cellInfo: {
      timestamp: 1669213332,
      mode: 'eMTC',
      mcc: '310',
      mnc: '410',
      signalStrength: -71,
    },
    gnssInfo: {
      timestamp: 1669213301,
      satellitesUsed: 9,
    },
  },
  'lng-variant': {
    trackerId: 'c0010c2a69f088a4',
    timestamp: 1617900077,
    status: {
      inMotion: true,
      repossession: false,
    },
    location: {
      timestamp: 1617900070,
      type: 'gnss',
      accuracy: 3,
      lng: 30.571465,
      lat: 59.749069,
    },
    sensors: {
      batteryLevel: 100,
      temperature: 42.191177,
    },
    alerts: ['temperatureHigh', 'shockDetected'],
    cellInfo: {
      timestamp: 1617900010,
      mode: 'eMTC',
      mcc: '244',
      mnc: '05',
      signalStrength: -41,
    },
    gnssInfo: {
      timestamp: 1617900070,
      satellitesUsed: 5,
    },
  },
  'motion-stopped-temperature-low': {
    trackerId: '600a0002d7026715',
    timestamp: 1669215479,
    status: {
      inMotion: false,
    },
    location: {
      timestamp: 1669215421,
      type: 'gnss',
      accuracy: 3.902,
      lng: -122.4012,
      lat: 37.78845,
    },
    sensors: {
      temperature: 15,
      batteryLevel: 87.11804,
    },
    alerts: ['motionStopped', 'temperatureLow'],
    cellInfo: {},
    gnssInfo: {},
  },
  'no-location': {
    trackerId: 'c0010c2a69f088a4',
    timestamp: 1669198802,
    status: {
      inMotion: false,
    },
    location: {
      timestamp: 0,
      type: 'gnss',
      accuracy: 6371009,
      lng: 0,
      lat: 90,
    },
    sensors: {
      temperature: 22,
      batteryLevel: 100,
    },
    alerts: [],
    cellInfo: {
      timestamp: 1669198797,
      mode: 'eMTC',
      mcc: '244',
      mnc: '05',
      signalStrength: -83,
    },
    gnssInfo: {},
  },
  'repossession-activated': {
    trackerId: '600a0002d7026715',
    timestamp: 1669300005,
    status: {
      inMotion: false,
      inGeofence: true,
      repossession: true,
    },
    location: {
      timestamp: 1669292410,
      type: 'gnss',
      accuracy: 7.315,
      lng: -122.4183,
      lat: 37.77512,
    },
    sensors: {
      temperature: 17,
      batteryLevel: 71.20533,
    },
    alerts: ['repossessionActivated'],
    cellInfo: {
      timestamp: 1669300000,
      mode: 'eMTC',
      mcc: '310',
      mnc: '410',
      signalStrength: -77,
    },
    gnssInfo: {},
  },
  'wifi-cell-static': {
    trackerId: '600a0002d7029c41',
    timestamp: 1669220581,
    status: {
      inMotion: false,
    },
    location: {
      timestamp: 1669216012,
      type: 'wifi+cell',
      accuracy: 38,
      lng: -0.1277583,
      lat: 51.50735,
    },
    sensors: {
      temperature: 19,
      batteryLevel: 86.90417,
    },
    alerts: [],
    cellInfo: {},
    gnssInfo: {},
  },
};

/** A fresh imp device id (16 hex digits), so tests sharing a database never see each other's trackers. */
export function randomTrackerId(): string {
  return randomBytes(8).toString('hex');
}

/** A valid message (the `gnss-in-motion` sample) of a new tracker, with `overrides`; `undefined` deletes a key. */
export function trackerMessage(overrides: TrackerBody = {}): TrackerBody {
  return withOverrides(
    { ...structuredClone(ASSET_TRACKER_SAMPLES['gnss-in-motion']), trackerId: randomTrackerId() },
    overrides,
  );
}

/** A GNSS fix (the `gnss-in-motion` sample's location), with `overrides`; `undefined` deletes a key. */
export function trackerLocation(overrides: TrackerBody = {}): TrackerBody {
  return withOverrides(
    structuredClone(ASSET_TRACKER_SAMPLES['gnss-in-motion'].location as TrackerBody),
    overrides,
  );
}

/** The location a tracker sends while it has no fix (the no-fix sentinel): it gives no position. */
export function noFixLocation(): TrackerBody {
  return structuredClone(ASSET_TRACKER_SAMPLES['no-location'].location as TrackerBody);
}

/** The HTTP Basic credentials of a tenant's trackers, as supertest's `.auth()` takes them. */
export function northboundCredentials(tenant: TenantCredentials): [string, string] {
  return [tenant.northbound.username, tenant.northbound.password];
}

/** One fuzz request: a value supertest serialises, or raw text sent as it is. */
export type TrackerFuzzBody =
  { kind: 'json'; label: string; value: unknown } | { kind: 'raw'; label: string; text: string };

const CHARS = [
  ...'0123456789abcdef-.e ',
  '"',
  '\\',
  '\u0000',
  '\ud800',
  '\udc00',
  '\u{1F600}',
  'ñ',
];

const ODD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  '',
  'text',
  '1669213337',
  [],
  [1, 'x'],
  {},
  { a: { b: [null] } },
];

function randomString(random: Random, maxLength: number): string {
  return Array.from({ length: random.int(maxLength + 1) }, () => random.pick(CHARS)).join('');
}

function oddValue(random: Random): unknown {
  if (random.chance(0.3)) return randomString(random, 12);
  if (random.chance(0.3)) return (random.next() - 0.5) * 10 ** random.int(12);
  return structuredClone(random.pick(ODD_VALUES));
}

/** Replaces, deletes or adds one key, at the top level or inside one of the nested objects. */
function mutate(random: Random, message: TrackerBody): void {
  const nested = Object.values(message).filter(
    (value): value is TrackerBody =>
      typeof value === 'object' && value !== null && !Array.isArray(value),
  );
  const target = random.chance(0.5) && nested.length > 0 ? random.pick(nested) : message;
  const keys = Object.keys(target);
  const key =
    random.chance(0.2) || keys.length === 0 ? `x${randomString(random, 4)}` : random.pick(keys);
  if (random.chance(0.2)) delete target[key];
  else target[key] = oddValue(random);
}

/**
 * `count` bodies, seeded: mostly real messages of `trackerIds` with one to four keys mutated, plus
 * bodies of every other JSON shape and raw text that is barely JSON.
 */
export function fuzzTrackerBodies(
  random: Random,
  count: number,
  trackerIds: string[],
): TrackerFuzzBody[] {
  const samples = Object.values(ASSET_TRACKER_SAMPLES);
  return Array.from({ length: count }, (_, index): TrackerFuzzBody => {
    const roll = random.next();
    if (roll < 0.8) {
      const message = {
        ...structuredClone(random.pick(samples)),
        trackerId: random.pick(trackerIds),
      };
      const mutations = 1 + random.int(4);
      for (let i = 0; i < mutations; i++) mutate(random, message);
      return { kind: 'json', label: `mutated #${index}`, value: message };
    }
    if (roll < 0.9) return { kind: 'json', label: `odd value #${index}`, value: oddValue(random) };
    const text = JSON.stringify(random.pick(samples));
    const cut = random.int(text.length);
    return {
      kind: 'raw',
      label: `raw #${index}`,
      text: random.chance(0.5)
        ? text.slice(0, cut)
        : `${text.slice(0, cut)}${randomString(random, 3)}${text.slice(cut)}`,
    };
  });
}
