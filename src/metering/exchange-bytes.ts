import type { Request, Response } from 'express';

/**
 * The request body's bytes as they crossed the device's link: its declared Content-Length (the
 * body as sent, compressed or not), else, for a chunked body, the bytes the body guard read.
 */
export function requestBodyBytes(request: Request & { rawBody?: Buffer }): number {
  const declared = Number(request.headers['content-length']);
  return Number.isSafeInteger(declared) && declared >= 0
    ? declared
    : (request.rawBody?.length ?? 0);
}

/** The answer body's bytes: the Content-Length Express sets on every JSON answer. */
export function answerBodyBytes(response: Response): number {
  const length = Number(response.getHeader('content-length'));
  return Number.isSafeInteger(length) && length >= 0 ? length : 0;
}
