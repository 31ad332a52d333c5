import type { PositionDto } from '../dto/position.response';
import type { PositionBatches, PositionExportFormat } from './position-export-format';

const coordinates = ({ lon, lat }: PositionDto) => `[${lon},${lat}]`;

/**
 * The track first, as a LineString of the positions with a GPS fix (a point without one would
 * draw a spike), then every position as a Point feature whose properties are the position's other
 * fields. RFC 7946 wants two positions or more in a LineString: with fewer fixes there is no track.
 */
async function* track(deviceId: string, batches: PositionBatches): AsyncIterable<string> {
  let first: string | undefined;
  let started = false;
  for await (const batch of batches({ fixOnly: true })) {
    const points = batch.map(coordinates);
    if (!started && first === undefined) first = points.shift();
    if (points.length === 0) continue;
    yield started
      ? `,${points.join(',')}`
      : `{"type":"Feature","geometry":{"type":"LineString","coordinates":[${first},${points.join(',')}`;
    started = true;
  }
  if (started) yield `]},"properties":${JSON.stringify({ deviceId })}}`;
}

function pointFeature({ lat, lon, ...properties }: PositionDto): string {
  return JSON.stringify({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [lon, lat] },
    properties,
  });
}

export const GEOJSON_FORMAT: PositionExportFormat = {
  contentType: 'application/geo+json; charset=utf-8',
  extension: 'geojson',
  async *render(deviceId, batches) {
    yield '{"type":"FeatureCollection","features":[';
    let separator = '';
    for await (const part of track(deviceId, batches)) {
      yield part;
      separator = ',';
    }
    for await (const batch of batches()) {
      yield `${separator}\n${batch.map(pointFeature).join(',\n')}`;
      separator = ',';
    }
    yield ']}\n';
  },
};
