import {
  Inject,
  Injectable,
  PayloadTooLargeException,
  createParamDecorator,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { parse as parseContentType } from 'content-type';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { FormParams } from '../twilio/form-encoding';
import { readParams } from '../twilio/form-params';
import { TwilioError } from '../twilio/twilio-error';
import { UploadAppParams } from './dto/microvisor.params';

/** The form field that carries the bundle, as Twilio's upload host names it. */
export const BUNDLE_FIELD = 'File';
export const MULTIPART_MEDIA_TYPE = 'multipart/form-data';

/** What multer leaves of the file part (memory storage). */
type RequestWithFile = Request & { file?: { buffer: Buffer } };

function isMultipart(header: string | undefined): boolean {
  try {
    return header !== undefined && parseContentType(header).type === MULTIPART_MEDIA_TYPE;
  } catch {
    return false;
  }
}

/**
 * Reads an App upload's `multipart/form-data` body, once the caller has authenticated
 * (interceptors run after the guards): the bundle in memory, at most APP_BUNDLE_MAX_BYTES, and
 * a few small text fields. Another media type is a 415, unread.
 *
 * A bundle past the limit is a 413, answered only once the rest of the body has been read and
 * dropped (multer drains it before it reports the error): a client still sending when the answer
 * came, and the connection closed, would see the connection reset instead of the 413. Node's
 * request deadline (BODY_TIMEOUT_SECONDS + 60 s) bounds how long that may take.
 */
@Injectable()
export class BundleUploadInterceptor implements NestInterceptor {
  private readonly multipart: NestInterceptor;
  private readonly maxBytes: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.maxBytes = config.microvisor.bundleMaxBytes;
    const Multipart = FileInterceptor(BUNDLE_FIELD, {
      limits: {
        fileSize: this.maxBytes,
        files: 1,
        fields: 8,
        fieldNameSize: 100,
        fieldSize: 4096,
        parts: 16,
      },
    });
    this.multipart = new Multipart();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<Request>();
    const contentType = request.headers['content-type'];
    if (!isMultipart(contentType)) {
      throw new TwilioError(
        415,
        20415,
        `Content-Type must be ${MULTIPART_MEDIA_TYPE} (got ${contentType ? `"${contentType.slice(0, 100)}"` : 'none'})`,
      );
    }
    try {
      return await this.multipart.intercept(context, next);
    } catch (error) {
      if (!(error instanceof PayloadTooLargeException)) throw error;
      throw new TwilioError(
        413,
        20413,
        `The bundle is larger than ${this.maxBytes} bytes, the most this server accepts (APP_BUNDLE_MAX_BYTES)`,
      );
    }
  }
}

/**
 * The text fields multer read, as form parameters. A field name with brackets (`UniqueName[a]`),
 * which multer nests into an object, is no parameter of Twilio's: refused, not ignored.
 */
function formParamsOf(body: Record<string, unknown>): FormParams {
  const params: FormParams = {};
  for (const [name, value] of Object.entries(body)) {
    if (!isFormValue(value)) throw TwilioError.invalidParameter(name, 'must be a plain form field');
    params[name] = value;
  }
  return params;
}

const isFormValue = (value: unknown): value is string | string[] =>
  typeof value === 'string' ||
  (Array.isArray(value) && value.every((item) => typeof item === 'string'));

/** An upload as `BundleUploadInterceptor` read it: the bundle's bytes and the text parameters. */
export interface BundleUpload {
  bundle: Buffer;
  params: UploadAppParams;
}

export const UploadedBundle = createParamDecorator(
  (_data: unknown, context: ExecutionContext): BundleUpload => {
    const request = context.switchToHttp().getRequest<RequestWithFile>();
    const params = readParams(
      UploadAppParams,
      formParamsOf((request.body ?? {}) as Record<string, unknown>),
    );
    if (!request.file) throw TwilioError.missingParameter(BUNDLE_FIELD);
    return { bundle: request.file.buffer, params };
  },
);
