import { STORABLE_TEXT } from '../common/validation/storable-text';
import type { DroppedValue } from './northbound.queue';

// eslint-disable-next-line no-control-regex -- NUL is exactly what it replaces
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Deeper bodies are refused: PostgreSQL's jsonb would exhaust its stack long before a real message. */
export const MAX_JSON_DEPTH = 64;

export class TooDeepError extends Error {}

/** The text with what PostgreSQL cannot store (NUL, lone surrogates) replaced by U+FFFD. */
export function storableText(text: string): string {
  return STORABLE_TEXT.test(text) ? text : text.replace(UNSTORABLE, '\uFFFD');
}

export interface StoredJson {
  /** Canonical JSON: object keys sorted, no whitespace. Equal content gives equal text. */
  text: string;
  /** Where text had to be changed to be storable. */
  repairs: DroppedValue[];
}

/**
 * The JSON text a parsed body is stored (and de-duplicated) as. Text a jsonb column refuses (NUL,
 * lone surrogates) becomes U+FFFD rather than costing the whole message; each repair is reported.
 * Throws `TooDeepError` past MAX_JSON_DEPTH levels.
 */
export function toStoredJson(value: unknown): StoredJson {
  const repairs: DroppedValue[] = [];
  const storable = (text: string, path: string) => {
    const repaired = storableText(text);
    if (repaired !== text) {
      repairs.push({
        field: path,
        message: 'held text that cannot be stored (NUL or a lone surrogate); replaced with U+FFFD',
      });
    }
    return repaired;
  };
  const write = (node: unknown, path: string, depth: number): string => {
    if (depth > MAX_JSON_DEPTH) throw new TooDeepError();
    if (typeof node === 'string') return JSON.stringify(storable(node, path));
    if (Array.isArray(node)) {
      return `[${node.map((item, index) => write(item, `${path}.${index}`, depth + 1)).join(',')}]`;
    }
    if (typeof node === 'object' && node !== null) {
      const entries = Object.keys(node)
        .sort()
        .map((key) => {
          const storedKey = storableText(key);
          const childPath = path ? `${path}.${storedKey}` : storedKey;
          const child = (node as Record<string, unknown>)[key];
          return `${JSON.stringify(storable(key, childPath))}:${write(child, childPath, depth + 1)}`;
        });
      return `{${entries.join(',')}}`;
    }
    // Numbers, booleans and null: what JSON.parse produced always serialises.
    return JSON.stringify(node);
  };
  return { text: write(value, '', 0), repairs };
}
