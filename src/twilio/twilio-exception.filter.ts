import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '../common/errors/api-error';
import { logUnexpectedError, writeErrorAnswer } from '../common/errors/api-exception.filter';
import { TwilioError } from './twilio-error';

/** What Twilio answers a 401 with, so that clients (and browsers) know to send Basic credentials. */
export const TWILIO_CHALLENGE = 'Basic realm="Twilio API"';

const INTERNAL = new TwilioError(500, 20500, 'Internal Server Error');

/**
 * Twilio's code for a failure that has no code of its own, by HTTP status: every 400 is a
 * parameter Twilio could not take (20001); otherwise Twilio's 20000 + status (20403, 20404, 20429,
 * 20503, ...), which FleetHub also uses for the statuses Twilio publishes no code for (408, 413,
 * 415).
 */
const codeForStatus = (status: number) => (status === 400 ? 20001 : 20000 + status);

/** The request's path under its API mount (`/wireless/v1/X` → `/v1/X`), as Twilio names it. */
const pathUnderMount = (request: Request) => request.path.replace(/^\/[^/]*/, '') || '/';

function unauthorized(request: Request, headers: Record<string, string>): TwilioError {
  const message = request.headers.authorization
    ? 'Authentication Error - Your AccountSid or AuthToken was incorrect'
    : 'Authentication Error - No credentials provided';
  return new TwilioError(401, 20003, message, { ...headers, 'WWW-Authenticate': TWILIO_CHALLENGE });
}

function fromStatus(
  request: Request,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): TwilioError | undefined {
  if (status >= 500 && status !== 503) return undefined;
  if (status === 401) return unauthorized(request, headers);
  return new TwilioError(status, codeForStatus(status), message, headers);
}

/**
 * What the caller of a Twilio-compatible route is told of a failure: a `TwilioError` as it is,
 * the shared machinery's failures (credentials, body reading, request limits: `ApiError`s, Nest's
 * `HttpException`s) under Twilio's codes, and undefined for anything unexpected (a 500 that says
 * nothing of its cause).
 */
export function toTwilioError(exception: unknown, request: Request): TwilioError | undefined {
  if (exception instanceof TwilioError) return exception;
  if (exception instanceof ApiError) {
    return fromStatus(request, exception.status, exception.message, exception.headers);
  }
  if (exception instanceof HttpException) {
    // Nest's own 404: no route for the path.
    if (exception.getStatus() === 404) return TwilioError.notFound(pathUnderMount(request));
    return fromStatus(request, exception.getStatus(), exception.message);
  }
  return undefined;
}

/** Writes Twilio's error body, `{"code","message","more_info","status"}`, with its status. */
export function sendTwilioError(exception: unknown, request: Request, response: Response): void {
  const error = toTwilioError(exception, request);
  if (!error) logUnexpectedError(exception, request);
  const answer = error ?? INTERNAL;
  writeErrorAnswer(request, response, {
    status: answer.status,
    headers: answer.headers,
    body: answer.body,
  });
}

@Catch()
export class TwilioExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendTwilioError(exception, http.getRequest<Request>(), http.getResponse<Response>());
  }
}
