import { ApiError } from '../common/errors/api-error';

/**
 * Opaque keyset cursors: the sort key of the last row a page returned, as base64url JSON, tagged
 * with what it pages so that a cursor of one listing is refused by another. Callers treat them as
 * opaque strings; the server checks every one it is handed (a bad cursor is a 400, never a 500).
 */
export type CursorKind = 'devices' | 'positions' | 'events';

const MAX_CURSOR_LENGTH = 512;

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((part) => typeof part === 'string');

export function encodeCursor(kind: CursorKind, key: readonly string[]): string {
  return Buffer.from(JSON.stringify([kind, ...key])).toString('base64url');
}

/** The key a cursor carries, `arity` strings long, each accepted by `valid`. */
export function decodeCursor(
  kind: CursorKind,
  cursor: string,
  arity: number,
  valid: (key: string[]) => boolean,
): string[] {
  let decoded: unknown;
  try {
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error();
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (isStringArray(decoded) && decoded.length === arity + 1 && decoded[0] === kind) {
    const key = decoded.slice(1);
    if (valid(key)) return key;
  }
  throw new ApiError('VALIDATION_ERROR', 'The request is invalid', [
    { field: 'cursor', message: `cursor is not a cursor of this ${kind} listing` },
  ]);
}
