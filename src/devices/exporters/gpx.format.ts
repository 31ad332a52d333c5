import type { PositionDto } from '../dto/position.response';
import type { PositionExportFormat } from './position-export-format';

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * What XML 1.0 has no place for, not even escaped: control characters other than tab, LF and CR,
 * lone surrogates, U+FFFE and U+FFFF. Stored texts may hold them (written before ingestion refused
 * them); each becomes U+FFFD, so the file stays well-formed and shows that a character was lost.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const escapeXml = (text: string) =>
  text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"']/g, (char) => XML_ESCAPES[char]);

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
