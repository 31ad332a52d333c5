import {
  UseFilters,
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  type Type,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiDefaultResponse, ApiProperty, ApiQuery } from '@nestjs/swagger';
import type { Request } from 'express';
import { TwilioAuth } from '../auth/decorators';
import { FORM_MEDIA_TYPE, FormBodyGuard } from './form-body.guard';
import { parseFormEncoded, type FormParams } from './form-encoding';
import { hasRequiredParams, readParams } from './form-params';
import { apiBaseUrl } from './resource-url';
import { TwilioExceptionFilter } from './twilio-exception.filter';

/** Twilio's error body, for the OpenAPI document. */
class TwilioErrorResponse {
  @ApiProperty({ example: 20404, description: 'A Twilio error code' })
  code!: number;

  @ApiProperty({ example: 'The requested resource /RatePlans/WPaaaa… was not found' })
  message!: string;

  @ApiProperty({ example: 'https://www.twilio.com/docs/errors/20404' })
  more_info!: string;

  @ApiProperty({ example: 404, description: 'The HTTP status' })
  status!: number;
}

/**
 * A controller of a Twilio-compatible API: HTTP Basic with the tenant's Account SID and auth
 * token, then its form body read (never before), errors in Twilio's format, and the OpenAPI
 * description of both. One decorator on the controller class.
 *
 * `formBody: false` for a controller whose routes read a body of another format themselves,
 * after the guards (an interceptor), as the Microvisor upload reads its multipart bundle.
 */
export const TwilioApi = ({ formBody = true }: { formBody?: boolean } = {}) =>
  applyDecorators(
    formBody ? TwilioAuth(FormBodyGuard) : TwilioAuth(),
    UseFilters(TwilioExceptionFilter),
    ApiDefaultResponse({ description: "An error, in Twilio's format", type: TwilioErrorResponse }),
  );

/** The Twilio account a request authenticated as: its tenant, and its Account SID. */
export interface TwilioAccount {
  tenantId: string;
  accountSid: string;
}

function requestOf(context: ExecutionContext): Request {
  return context.switchToHttp().getRequest<Request>();
}

export const CurrentAccount = createParamDecorator(
  (_data: unknown, context: ExecutionContext): TwilioAccount => {
    const principal = requestOf(context).tenantPrincipal;
    if (!principal) throw new Error('The route is missing TwilioApi(), which authenticates it');
    // The Twilio Basic strategy proves the tenant by its Account SID: that is its credential.
    return { tenantId: principal.tenantId, accountSid: principal.credentialId };
  },
);

/** The absolute URL of the API's version mount (e.g. `/wireless/v1`), as the client reached it. */
export const ApiBaseUrl = createParamDecorator(
  (mountPath: string, context: ExecutionContext): string =>
    apiBaseUrl(requestOf(context), mountPath),
);

const bodyParams = createParamDecorator((dto: Type<object>, context: ExecutionContext) =>
  readParams(dto, (requestOf(context).body as FormParams | undefined) ?? {}),
);

const queryParams = createParamDecorator((dto: Type<object>, context: ExecutionContext) => {
  const url = requestOf(context).originalUrl;
  const start = url.indexOf('?');
  return readParams(dto, start < 0 ? {} : parseFormEncoded(url.slice(start + 1), 'query string'));
});

/** Applies method decorators from a parameter's decorator (the OpenAPI description of its source). */
function describeMethod(
  target: object,
  key: string | symbol | undefined,
  ...decorators: MethodDecorator[]
): void {
  if (key === undefined) throw new Error('Twilio parameters decorate a route method');
  const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
  for (const decorate of decorators) decorate(target, key, descriptor);
}

/** The form body's parameters, read as `dto` declares them (see `readParams`). */
export const TwilioBody =
  (dto: Type<object>): ParameterDecorator =>
  (target, key, index) => {
    bodyParams(dto)(target, key, index);
    describeMethod(
      target,
      key,
      ApiConsumes(FORM_MEDIA_TYPE),
      ApiBody({ type: dto, required: hasRequiredParams(dto) }),
    );
  };

/** The query string's parameters, read as `dto` declares them (see `readParams`). */
export const TwilioQuery =
  (dto: Type<object>): ParameterDecorator =>
  (target, key, index) => {
    queryParams(dto)(target, key, index);
    describeMethod(target, key, ApiQuery({ type: dto, required: false }));
  };
