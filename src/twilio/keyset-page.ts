import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Page, PageRequest } from './paging';
import { TwilioError } from './twilio-error';

/** A column of a list's sort key; the last one must make the key unique (a SID). */
export interface KeyColumn {
  /** The column as the query names it, e.g. `plan.created_at`. */
  column: string;
  /**
   * Its SQL type (`timestamptz`, `char(34)`), which a token's value is cast to: the same type as
   * the column's, so that the range is one on its index. A `timestamptz` is kept to the
   * microsecond.
   */
  type: string;
  /** Whether a token's value for this column is one the column could hold. */
  valid?: (value: string) => boolean;
}

/** A timestamptz exactly, to the microsecond (a JavaScript `Date` would drop the last three digits). */
const EXACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const keyText = ({ column, type }: KeyColumn) =>
  type === 'timestamptz'
    ? `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
    : `${column}::text`;

const validKeyPart = (column: KeyColumn, value: string) =>
  (column.type !== 'timestamptz' || (EXACT_TIME.test(value) && !Number.isNaN(Date.parse(value)))) &&
  (column.valid?.(value) ?? true);

/**
 * One page of `query` (already filtered: its tenant, the list's filters), in ascending order of
 * `columns`: the rows after the token's key (`PA`), or the rows before it (`PB`), or the first
 * ones. One range query of PageSize + 1 rows on an index of the key: page 500 costs what page 1
 * does. A token whose key does not fit the columns is a 21481.
 */
export async function keysetPage<Entity extends ObjectLiteral>(
  query: SelectQueryBuilder<Entity>,
  columns: readonly KeyColumn[],
  request: PageRequest,
): Promise<Page<Entity>> {
  const { token, size } = request;
  const backward = token?.direction === 'before';
  if (token) {
    const fits =
      token.key.length === columns.length &&
      columns.every((column, index) => validKeyPart(column, token.key[index]));
    if (!fits) throw TwilioError.invalidPageToken();
    const bound = columns.map((column, index) => `CAST(:pageKey${index} AS ${column.type})`);
    query.andWhere(
      `(${columns.map(({ column }) => column).join(', ')}) ${backward ? '<' : '>'} (${bound.join(', ')})`,
      Object.fromEntries(token.key.map((value, index) => [`pageKey${index}`, value])),
    );
  }
  columns.forEach((column, index) => {
    query.addSelect(keyText(column), `page_key_${index}`);
    query.addOrderBy(column.column, backward ? 'DESC' : 'ASC');
  });
  const { entities, raw } = await query.limit(size + 1).getRawAndEntities<Record<string, string>>();
  const more = entities.length > size;
  const keys = raw
    .slice(0, size)
    .map((row) => columns.map((_column, index) => row[`page_key_${index}`]));
  const rows = entities.slice(0, size);
  if (backward) {
    rows.reverse();
    keys.reverse();
  }
  return {
    rows,
    keys,
    // Before a token's row lie the rows a PA page came from; after it, those a PB page came from.
    hasNext: backward ? rows.length > 0 : more,
    hasPrevious: backward ? more : token !== undefined && rows.length > 0,
  };
}
