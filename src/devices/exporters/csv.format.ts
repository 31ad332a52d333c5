import type { PositionDto } from '../dto/position.response';
import type { PositionExportFormat } from './position-export-format';

const COLUMNS: readonly (keyof PositionDto)[] = [
  'recordedAt',
  'receivedAt',
  'eventcode',
  'fix',
  'lat',
  'lon',
  'altitude',
  'speed',
  'heading',
  'satellites',
  'ignition',
  'accuracy',
  'odometer',
  'horometer',
  'address',
  'temperature',
  'battery',
  'source',
  'extra',
];

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180: empty for null, JSON for objects, quoted when the text holds a comma, quote or line break. */
function cell(value: PositionDto[keyof PositionDto]): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row, then one CRLF-terminated row per position. */
export const CSV_FORMAT: PositionExportFormat = {
  contentType: 'text/csv; charset=utf-8',
  extension: 'csv',
  async *render(_deviceId, batches) {
    yield `${COLUMNS.join(',')}\r\n`;
    for await (const batch of batches()) {
      yield batch
        .map((position) => `${COLUMNS.map((column) => cell(position[column])).join(',')}\r\n`)
        .join('');
    }
  },
};
