import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors/api-error';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The JSON APIs take JSON only: a body of another media type is a 415 with the family's envelope,
 * rather than silently parsed as empty.
 */
export function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  const hasBody =
    Number(request.headers['content-length'] ?? 0) > 0 || 'transfer-encoding' in request.headers;
  if (METHODS_WITH_BODY.has(request.method) && hasBody && !request.is('application/json')) {
    next(
      new ApiError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type must be application/json (got "${(request.headers['content-type'] ?? 'none').slice(0, 100)}")`,
      ),
    );
    return;
  }
  next();
}
