import type { PositionDto } from '../dto/position.response';
import { POSITION_TIME_COLUMNS, POSITION_VALUE_COLUMNS } from '../position-columns';
import type { PositionExportFormat } from './position-export-format';

/** The fields of the API's position, in its order. */
const COLUMNS: readonly (keyof PositionDto)[] = [
  ...POSITION_TIME_COLUMNS,
  ...POSITION_VALUE_COLUMNS,
].map(({ property }) => property);

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * The first characters that make a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell as
 * a formula, which can run commands or send data away (`=cmd|' /C calc'!A0`, `=HYPERLINK(…)`).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * RFC 4180: empty for null, JSON for objects, quoted when the text holds a comma, quote or line
 * break. A text cell (a string of the position, such as `address`) that starts like a formula is
 * prefixed with a single quote, as OWASP recommends against CSV injection, so that a spreadsheet
 * shows it as text. Numbers are JSON numbers and never prefixed: -34.6 stays a number.
 */
function cell(value: PositionDto[keyof PositionDto]): string {
  if (value === null) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
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
