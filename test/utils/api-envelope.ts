import type { ApiErrorCode, ApiErrorDetails } from '../../src/common/errors/api-error';

/** The exact `/apidev/v1` error envelope a caller receives (4xx: empty meta). */
export function errorEnvelope(code: ApiErrorCode, message: string, details?: ApiErrorDetails) {
  return {
    success: false,
    error: details === undefined ? { code, message } : { code, message, details },
    meta: {},
  };
}

/** The one 401 body, whichever part of a credential was wrong. */
export const UNAUTHORIZED = errorEnvelope('UNAUTHORIZED', 'Invalid or expired credentials');

export const missingHeaders = (...names: string[]) =>
  errorEnvelope('BAD_REQUEST', `Missing required header(s): ${names.join(', ')}`);
