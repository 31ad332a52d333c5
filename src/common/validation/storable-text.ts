/** Text PostgreSQL can store: no NUL, no unpaired UTF-16 surrogate (`u` flag: a pair is one code point). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what it rules out
export const STORABLE_TEXT = /^[^\u0000\uD800-\uDFFF]*$/u;
