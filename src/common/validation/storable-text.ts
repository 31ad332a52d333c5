/** Text PostgreSQL can store: no NUL, no unpaired UTF-16 surrogate (`u` flag: a pair is one code point). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what it rules out
export const STORABLE_TEXT = /^[^\u0000\uD800-\uDFFF]*$/u;

/**
 * Storable text without control characters (C0, DEL, C1): names as people type them, and a
 * device's own identifier (IMEI, trackerId), which no hardware writes with one and which goes as
 * it is into exports and logs.
 */
export const PRINTABLE_TEXT = /^[^\p{Cc}\uD800-\uDFFF]*$/u;

export const PRINTABLE_TEXT_MESSAGE = 'must not contain control characters or unpaired surrogates';
