/** A value COPY can take: objects go in as JSON (jsonb columns). */
export type CopyValue = string | number | boolean | Record<string, unknown> | null | undefined;

const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};
const COPY_SPECIAL = /[\\\t\n\r]/;

/** One value in COPY's text format: `\N` for NULL, objects as JSON, specials backslash-escaped. */
function copyValue(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : text;
}

/** One row in COPY's text format: its values in the order of `columns`, tab-separated. */
export function copyLine<Column extends string>(
  columns: readonly Column[],
  row: Record<Column, CopyValue>,
): string {
  return `${columns.map((column) => copyValue(row[column])).join('\t')}\n`;
}
