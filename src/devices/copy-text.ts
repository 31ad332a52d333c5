/** A value COPY can take: objects go in as JSON (jsonb columns). */
export type CopyValue = string | number | boolean | Record<string, unknown> | null | undefined;

const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;

const escaped = (text: string) =>
  COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]) : text;

/**
 * One value in COPY's text format: `\N` for NULL, objects as JSON, specials backslash-escaped.
 * Numbers and booleans are written as they are: their text never holds a special.
 */
export function copyValue(value: CopyValue): string {
  switch (typeof value) {
    case 'string':
      return escaped(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return value === null ? '\\N' : escaped(JSON.stringify(value));
    default:
      return '\\N';
  }
}
