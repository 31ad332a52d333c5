import {
  API_ERROR_STATUS,
  type ApiErrorCode,
  type ApiErrorDetails,
} from '../../src/common/errors/api-error';

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

const STATUS_OF_CODE: Record<string, number> = API_ERROR_STATUS;

/**
 * Why an error answer is not the `/apidev/v1` envelope (nothing more: empty meta, a code of its
 * status, a message), or undefined when it is.
 */
export function envelopeProblem(answer: {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}): string | undefined {
  const type = answer.headers['content-type'];
  if (typeof type !== 'string' || !type.startsWith('application/json')) {
    return `Content-Type ${String(type)}`;
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return 'not JSON';
  }
  const { success, error, meta, ...rest } = body as Record<string, unknown>;
  const { code, message, details, ...restOfError } = (error ?? {}) as Record<string, unknown>;
  const envelope =
    success === false &&
    typeof code === 'string' &&
    STATUS_OF_CODE[code] === answer.status &&
    typeof message === 'string' &&
    message !== '' &&
    (details === undefined || (typeof details === 'object' && details !== null)) &&
    JSON.stringify(meta) === '{}' &&
    Object.keys(rest).length === 0 &&
    Object.keys(restOfError).length === 0;
  return envelope ? undefined : 'not the envelope';
}
