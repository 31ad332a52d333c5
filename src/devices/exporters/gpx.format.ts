import type { PositionDto } from '../dto/position.response';
import type { PositionExportFormat } from './position-export-format';

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char]);

/**
 * A GPX 1.1 track point, children in the order the schema requires (ele, time, type, fix, sat).
 * GPX has no speed or heading (1.0 had); the event code goes in `type`, and a point without a GPS
 * fix is kept, marked `<fix>none</fix>` as the schema provides, rather than silently dropped.
 */
function trackPoint(position: PositionDto): string {
  const children = [
    position.altitude === null ? '' : `<ele>${position.altitude}</ele>`,
    `<time>${position.recordedAt}</time>`,
    `<type>${escapeXml(position.eventcode)}</type>`,
    position.fix ? '' : '<fix>none</fix>',
    position.satellites === null ? '' : `<sat>${position.satellites}</sat>`,
  ];
  return `<trkpt lat="${position.lat}" lon="${position.lon}">${children.join('')}</trkpt>\n`;
}

export const GPX_FORMAT: PositionExportFormat = {
  contentType: 'application/gpx+xml; charset=utf-8',
  extension: 'gpx',
  async *render(deviceId, batches) {
    yield (
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<gpx version="1.1" creator="FleetHub" xmlns="http://www.topografix.com/GPX/1/1">\n' +
      `<trk><name>${escapeXml(deviceId)}</name><trkseg>\n`
    );
    for await (const batch of batches()) yield batch.map(trackPoint).join('');
    yield '</trkseg></trk>\n</gpx>\n';
  },
};
