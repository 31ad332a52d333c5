import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { requestIdOf } from '../http/request-id';
import { ApiError, apiErrorBody, type ApiErrorCode } from './api-error';
import { ErrorFormats } from './error-formats';

const CODE_BY_STATUS: Record<number, ApiErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

function exceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** Turns anything thrown while serving a request into an `ApiError` the caller may see. */
export function toApiError(exception: unknown): ApiError {
  if (exception instanceof ApiError) return exception;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR');
    return code === 'INTERNAL_ERROR'
      ? new ApiError(code, 'Internal server error')
      : new ApiError(code, exceptionMessage(exception));
  }
  return new ApiError('INTERNAL_ERROR', 'Internal server error');
}

const logger = new Logger('ApiExceptionFilter');

/** Where `sendApiError` notes the code it answered with: the metrics count refusals by it. */
type ErrorLocals = { apiErrorCode?: ApiErrorCode };

/** The error code a response was answered with, if `sendApiError` wrote it. */
export function errorCodeOf(response: Response): ApiErrorCode | undefined {
  return (response.locals as ErrorLocals).apiErrorCode;
}

/** Logs an error no one expected, with what identifies its request; the caller learns nothing of it. */
export function logUnexpectedError(exception: unknown, request: Request): void {
  logger.error(
    {
      err: exception,
      requestId: requestIdOf(request),
      method: request.method,
      url: request.originalUrl,
    },
    'Unhandled error while serving a request',
  );
}

/** Writes an error answer of any API family: its status, headers and JSON body. */
export function writeErrorAnswer(
  request: Request,
  response: Response,
  answer: { status: number; headers: Record<string, string>; body: unknown },
): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  // A body refused unread (401 before it arrived, 408, 413) is not drained: the connection goes
  // with the answer, rather than reading whatever the sender goes on trickling.
  if (!request.complete) response.set('Connection', 'close');
  response.set(answer.headers).status(answer.status).json(answer.body);
}

/** Writes the `/apidev/v1` error envelope. A 500 says nothing of its cause; the log does. */
export function sendApiError(exception: unknown, request: Request, response: Response): void {
  const error = toApiError(exception);
  (response.locals as ErrorLocals).apiErrorCode = error.code;
  const meta: Record<string, unknown> = {};
  if (error.code === 'INTERNAL_ERROR') {
    meta.requestId = requestIdOf(request);
    logUnexpectedError(exception, request);
  }
  writeErrorAnswer(request, response, {
    status: error.status,
    headers: error.headers,
    body: apiErrorBody(error, meta),
  });
}

/**
 * The global filter: the `/apidev/v1` envelope, but for paths where another API family is mounted
 * (`ErrorFormats`), whose format it uses for what that family's own filter never sees (a path no
 * route matches).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly formats: ErrorFormats) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const send = this.formats.rendererFor(request.path) ?? sendApiError;
    send(exception, request, http.getResponse<Response>());
  }
}
