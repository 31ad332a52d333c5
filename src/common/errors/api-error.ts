/**
 * Error codes of the `/apidev/v1` family: those of the telemetry spec, plus the few the
 * other routes of the family need.
 */
export const API_ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  EXPECTATION_FAILED: 417,
  RATE_LIMITED: 429,
  REQUEST_HEADERS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export interface ValidationIssue {
  index?: number;
  field?: string;
  message: string;
}

export type ApiErrorDetails = ValidationIssue[] | Record<string, unknown>;

/** A failure the caller should see as it is: services throw it, the API exception filter renders it. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: ApiErrorDetails,
    /** Response headers the answer must carry (`WWW-Authenticate`, `Retry-After`, ...). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }
}

export interface ApiErrorBody {
  success: false;
  error: { code: ApiErrorCode; message: string; details?: ApiErrorDetails };
  meta: Record<string, unknown>;
}

export function apiErrorBody(error: ApiError, meta: Record<string, unknown> = {}): ApiErrorBody {
  const body: ApiErrorBody = {
    success: false,
    error: { code: error.code, message: error.message },
    meta,
  };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}
