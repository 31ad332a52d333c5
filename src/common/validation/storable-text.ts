/** Text PostgreSQL can store: no NUL, no unpaired UTF-16 surrogate (`u` flag: a pair is one code point). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what it rules out
export const STORABLE_TEXT = /^[^\u0000\uD800-\uDFFF]*$/u;

/**
 * A device's own identifier (IMEI, trackerId): storable text without control characters (C0,
 * DEL, C1). No hardware id holds one, and the id is written as it is into exports and logs.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it rules out
export const DEVICE_ID_TEXT = /^[^\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]*$/u;

export const DEVICE_ID_TEXT_MESSAGE = 'must not contain control characters or unpaired surrogates';
