import { copyValue } from './copy-text';
import type { DeviceDataBatch, PositionInput } from './device-data';
import { deviceIds, deviceRows, positionCopyText, positionRows } from './device-data.rows';
import { POSITION_COLUMN_NAMES } from './position-columns';

const TENANT = '6f1c0a52-8d0e-4c55-9d44-2b1f4f7c9a10';

/** A position with a distinct value in every column, text with every character COPY escapes. */
const full: PositionInput = {
  deviceExternalId: '350000000000001',
  recordedAt: '2026-04-04T10:00:00.123456Z',
  eventcode: '117',
  fix: false,
  lat: -34.6037,
  lon: -58.3816,
  altitude: 25.5,
  speed: 45,
  heading: 180,
  satellites: 12,
  ignition: true,
  accuracy: 3.5,
  odometer: 125430.25,
  horometer: 812,
  address: 'Line 1\tTab\nLine 2\r\\N back\\slash',
  temperature: -4.25,
  battery: 87,
  extra: { note: 'a\tb', nested: { n: 1 } },
};

/** Only the required values: the others are absent or null. */
const sparse: PositionInput = {
  deviceExternalId: '350000000000002',
  recordedAt: '2026-04-04T11:00:00Z',
  eventcode: '101',
  fix: true,
  lat: 0,
  lon: -0.5,
  altitude: null,
};

const batch = (positions: PositionInput[]): DeviceDataBatch => ({
  tenantId: TENANT,
  kind: 'tracker',
  source: 'telemetry',
  receivedAt: '2026-04-04T12:00:00.000Z',
  positions,
  events: [],
});

const ids = deviceIds([
  { id: '41', tenant_id: TENANT, external_id: full.deviceExternalId },
  { id: '42', tenant_id: TENANT, external_id: sparse.deviceExternalId },
]);

describe('positionCopyText', () => {
  it('writes each row as the values of positionRows, in the order of the column list', () => {
    const batches = [batch([full, sparse])];
    const expected = positionRows(batches, ids)
      .map((row) => `${POSITION_COLUMN_NAMES.map((name) => copyValue(row[name])).join('\t')}\n`)
      .join('');

    expect(positionCopyText(batches, ids)).toBe(expected);
  });

  it('escapes what COPY reads specially and writes NULL as \\N', () => {
    const [line] = positionCopyText([batch([full, sparse])], ids).split('\n');
    const fields = line.split('\t');
    const at = (name: string) => fields[POSITION_COLUMN_NAMES.indexOf(name as never)];

    expect(fields).toHaveLength(POSITION_COLUMN_NAMES.length);
    expect(at('address')).toBe('Line 1\\tTab\\nLine 2\\r\\\\N back\\\\slash');
    expect(at('extra')).toBe('{"note":"a\\\\tb","nested":{"n":1}}');
    expect(at('device_id')).toBe('41');
    expect(at('tenant_id')).toBe(TENANT);
    expect(at('source')).toBe('telemetry');

    const sparseFields = positionCopyText([batch([sparse])], ids)
      .trimEnd()
      .split('\t');
    const sparseAt = (name: string) => sparseFields[POSITION_COLUMN_NAMES.indexOf(name as never)];
    expect(sparseAt('altitude')).toBe('\\N');
    expect(sparseAt('address')).toBe('\\N');
    expect(sparseAt('lon')).toBe('-0.5');
  });
});

describe('deviceRows', () => {
  it('keeps the newest position and the newest fixed one of each device, by device time', () => {
    const id = '350000000000003';
    const at = (recordedAt: string, fix: boolean): PositionInput => ({
      ...sparse,
      deviceExternalId: id,
      recordedAt,
      fix,
    });
    const [row] = deviceRows([
      batch([at('2026-04-04T10:00:00Z', true), at('2026-04-04T10:02:00Z', false)]),
      batch([at('2026-04-04T10:01:00Z', true), at('2026-04-04T09:00:00Z', true)]),
    ]);

    expect(row).toMatchObject({
      deviceExternalId: id,
      latestAt: '2026-04-04T10:02:00Z',
      latest: { recordedAt: '2026-04-04T10:02:00Z', fix: false },
      lastFixAt: '2026-04-04T10:01:00Z',
      lastFix: { recordedAt: '2026-04-04T10:01:00Z', fix: true },
    });
    // A snapshot leaves out the device and every value the position does not have.
    expect(Object.keys(row.latest!)).toEqual(['recordedAt', 'eventcode', 'fix', 'lat', 'lon']);
  });

  it('sends the latest position once when it is also the last fixed one', () => {
    const [row] = deviceRows([batch([sparse])]);

    expect(row).toMatchObject({ latestAt: sparse.recordedAt, lastFixAt: sparse.recordedAt });
    expect(row.latest).toMatchObject({ recordedAt: sparse.recordedAt, fix: true });
    expect(row.lastFix).toBeUndefined();
  });
});
