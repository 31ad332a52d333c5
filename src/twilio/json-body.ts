import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '../common/errors/validation';
import { TwilioError } from './twilio-error';

/**
 * A JSON body as `dto`, for the routes under a Twilio mount that take JSON rather than a form
 * (the Wireless gateway's posts, the Microvisor devices' check-ins): its fields checked by their
 * class-validator rules, unknown ones ignored (a sender may send more than FleetHub reads), the
 * first bad one a 400 naming it, in Twilio's format.
 */
export function readJsonBody<T extends object>(dto: Type<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TwilioError(400, 20001, 'The body must be a JSON object');
  }
  const instance = plainToInstance(dto, body);
  const [first] = flattenValidationErrors(validateSync(instance, { whitelist: true }));
  if (first) throw TwilioError.invalidParameter(first.field ?? 'body', first.message);
  return instance;
}
