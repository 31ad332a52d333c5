import { CsvError, parse, type Info } from 'csv-parse/sync';
import { ApiError } from '../common/errors/api-error';
import { isDeviceId } from '../common/validation/device-id';
import { PRINTABLE_TEXT } from '../common/validation/storable-text';
import { looksLikeSid } from '../twilio/sid';
import { eidProblem, iccidProblem } from './sim-identifiers';
import { UNIQUE_NAME_MAX_LENGTH } from './wireless-addresses';

/** The header of a SIM import file, exactly. */
export const SIM_CSV_HEADER = ['iccid', 'unique_name', 'eid', 'imei', 'rate_plan'] as const;

/** One SIM of an import file; a blank cell is null. */
export interface SimCsvRow {
  /** Its line in the file, the header being line 1. */
  line: number;
  iccid: string;
  uniqueName: string | null;
  eId: string | null;
  imei: string | null;
  /** A RatePlan SID or unique name, as written. */
  ratePlan: string | null;
}

/** A bad row: the import stops there, with the row's line. */
export function badRow(line: number, message: string): ApiError {
  return new ApiError('VALIDATION_ERROR', `line ${line}: ${message}`, [{ index: line, message }]);
}

function uniqueNameProblem(value: string): string | undefined {
  if (value.length > UNIQUE_NAME_MAX_LENGTH) {
    return `unique_name must be at most ${UNIQUE_NAME_MAX_LENGTH} characters`;
  }
  if (!PRINTABLE_TEXT.test(value)) return 'unique_name must not contain control characters';
  if (looksLikeSid(value)) return 'unique_name must not have the shape of a SID';
  return undefined;
}

/** Why a row's cells are not a SIM, or undefined when they are one. */
function rowProblem(row: Omit<SimCsvRow, 'line'>): string | undefined {
  const { iccid, uniqueName, eId, imei } = row;
  if (!iccid) return 'iccid is blank';
  const iccidIssue = iccidProblem(iccid);
  if (iccidIssue) return `iccid ${iccidIssue}`;
  const uniqueNameIssue = uniqueName === null ? undefined : uniqueNameProblem(uniqueName);
  if (uniqueNameIssue) return uniqueNameIssue;
  const eIdIssue = eId === null ? undefined : eidProblem(eId);
  if (eIdIssue) return `eid ${eIdIssue}`;
  if (imei !== null && !isDeviceId(imei)) {
    return 'imei must be what the telemetry contract takes as a device id: 1 to 50 printable characters';
  }
  return undefined;
}

/**
 * Reads a SIM import file: the header, then one SIM a line, every cell trimmed (blank lines are
 * skipped, line numbers still count them). Throws at the first bad row, so nothing of a file with
 * one is imported; an ICCID or unique name already on an earlier line makes a bad row too.
 */
export function readSimCsv(text: string): SimCsvRow[] {
  let records: { record: string[]; info: Info }[];
  try {
    // With `info`, each record comes with where it was read; the typings do not follow the option.
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      throw badRow(Number(error.lines), `not readable as CSV (${error.message})`);
    }
    throw error;
  }
  const [header, ...body] = records;
  if (!header || header.record.join(',') !== SIM_CSV_HEADER.join(',')) {
    throw badRow(header?.info.lines ?? 1, `the header must be exactly ${SIM_CSV_HEADER.join(',')}`);
  }
  if (body.length === 0) throw badRow(header.info.lines, 'the file has no SIM after its header');

  const linesOf = { iccid: new Map<string, number>(), unique_name: new Map<string, number>() };
  return body.map(({ record, info }) => {
    const [iccid, uniqueName, eId, imei, ratePlan] = record.map((cell) => cell || null);
    const row = { line: info.lines, iccid: iccid ?? '', uniqueName, eId, imei, ratePlan };
    const problem = rowProblem(row);
    if (problem) throw badRow(row.line, problem);
    for (const [column, value] of [
      ['iccid', row.iccid],
      ['unique_name', row.uniqueName],
    ] as const) {
      if (value === null) continue;
      const earlier = linesOf[column].get(value);
      if (earlier !== undefined)
        throw badRow(row.line, `${column} ${value} is on line ${earlier} too`);
      linesOf[column].set(value, row.line);
    }
    return row;
  });
}
