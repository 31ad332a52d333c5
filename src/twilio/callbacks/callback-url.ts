import { ApiError } from '../../common/errors/api-error';

/** Longest callback URL accepted, as normalized (`URL.href`). */
export const CALLBACK_URL_MAX_LENGTH = 2048;

/** A callback URL FleetHub will not call: a 400 for the API that was given it. */
export class InvalidCallbackUrlError extends ApiError {
  constructor(problem: string) {
    super('VALIDATION_ERROR', `The callback URL ${problem}`);
    this.name = 'InvalidCallbackUrlError';
  }
}

/**
 * A callback URL as FleetHub calls it: absolute, http or https, at most 2048 characters. Throws
 * `InvalidCallbackUrlError` otherwise; the message never repeats the URL (it may hold credentials).
 */
export function parseCallbackUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidCallbackUrlError('is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidCallbackUrlError(`must be http or https (got "${url.protocol.slice(0, -1)}")`);
  }
  if (url.href.length > CALLBACK_URL_MAX_LENGTH) {
    throw new InvalidCallbackUrlError(`is longer than ${CALLBACK_URL_MAX_LENGTH} characters`);
  }
  return url;
}

/** What is kept of a callback URL in the record: no credentials, no query string, no fragment. */
export function recordedUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
