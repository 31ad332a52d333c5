import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../common/errors/api-error';
import { TwilioError } from './twilio-error';
import { TWILIO_CHALLENGE, toTwilioError } from './twilio-exception.filter';

const request = (authorization?: string) =>
  ({ path: '/wireless/v1/Nothing/Here', headers: { authorization } }) as unknown as Request;

const answer = (exception: unknown, authorization?: string) => {
  const error = toTwilioError(exception, request(authorization));
  return error && { ...error.body, headers: error.headers };
};

describe('toTwilioError', () => {
  it('keeps a TwilioError as it is', () => {
    const error = TwilioError.notFound('/RatePlans/x');
    expect(toTwilioError(error, request())).toBe(error);
  });

  it('answers a refused credential with 20003 and the Basic challenge', () => {
    const refused = new ApiError('UNAUTHORIZED', 'Invalid or expired credentials');
    expect(answer(refused, 'Basic abc')).toEqual({
      code: 20003,
      message: 'Authentication Error - Your AccountSid or AuthToken was incorrect',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
      headers: { 'WWW-Authenticate': TWILIO_CHALLENGE },
    });
    expect(answer(refused)).toMatchObject({
      code: 20003,
      message: 'Authentication Error - No credentials provided',
    });
  });

  it('answers a request limit with 20429, keeping Retry-After', () => {
    const limited = new ApiError('RATE_LIMITED', 'Too many requests', undefined, {
      'Retry-After': '7',
    });
    expect(answer(limited)).toEqual({
      code: 20429,
      message: 'Too many requests',
      more_info: 'https://www.twilio.com/docs/errors/20429',
      status: 429,
      headers: { 'Retry-After': '7' },
    });
  });

  it.each<[string, unknown, number, number]>([
    ['a body that is not UTF-8', new ApiError('BAD_REQUEST', 'not UTF-8'), 400, 20001],
    ['another media type', new ApiError('UNSUPPORTED_MEDIA_TYPE', 'form only'), 415, 20415],
    ['too large a body', new ApiError('PAYLOAD_TOO_LARGE', 'too large'), 413, 20413],
    ['a body too slow', new ApiError('REQUEST_TIMEOUT', 'too slow'), 408, 20408],
    ['credentials not checkable', new ApiError('SERVICE_UNAVAILABLE', 'retry'), 503, 20503],
    ["Nest's 413", new PayloadTooLargeException('too large'), 413, 20413],
  ])('answers %s under its status', (_case, exception, status, code) => {
    expect(answer(exception)).toMatchObject({ status, code });
  });

  it('answers a path no route matches with 20404, naming it under the mount', () => {
    expect(answer(new NotFoundException('Cannot GET /wireless/v1/Nothing/Here'))).toMatchObject({
      status: 404,
      code: 20404,
      message: 'The requested resource /v1/Nothing/Here was not found',
    });
  });

  it('leaves anything unexpected to the 500 that says nothing', () => {
    expect(toTwilioError(new Error('secret SQL detail'), request())).toBeUndefined();
    expect(toTwilioError(new ApiError('INTERNAL_ERROR', 'x'), request())).toBeUndefined();
  });
});
