/** Text PostgreSQL can store: no NUL, no unpaired UTF-16 surrogate (`u` flag: a pair is one code point). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what it rules out
export const STORABLE_TEXT = /^[^\u0000\uD800-\uDFFF]*$/u;

/** Storable text without control characters (C0, DEL, C1): names as people type them. */
export const PRINTABLE_TEXT = /^[^\p{Cc}\uD800-\uDFFF]*$/u;
