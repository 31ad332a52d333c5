/** The JSON body of every Twilio error answer (twilio-node reads it into a `RestException`). */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/**
 * A failure the Twilio-compatible APIs answer in Twilio's format: an HTTP status and one of
 * Twilio's error codes (20xxx for the platform, 33xxx for Wireless, ...). Services throw it; the
 * Twilio exception filter renders it.
 */
export class TwilioError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    /** Response headers the answer must carry (`WWW-Authenticate`, `Retry-After`, ...). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'TwilioError';
  }

  get body(): TwilioErrorBody {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }

  /** 20001: a required parameter is absent. */
  static missingParameter(name: string): TwilioError {
    return new TwilioError(400, 20001, `Missing required parameter ${name} in the post body`);
  }

  /** 20001 (or the code given): a parameter's value is not one the operation takes. */
  static invalidParameter(name: string, why: string, code = 20001): TwilioError {
    return new TwilioError(400, code, `Invalid parameter ${name}: ${why}`);
  }

  /** 20404: `path` is the resource as addressed under the API's version, e.g. `/Sims/DE…`. */
  static notFound(path: string): TwilioError {
    return new TwilioError(404, 20404, `The requested resource ${path} was not found`);
  }

  /** 20409: the request conflicts with the resource's state (a name taken, a resource in use). */
  static conflict(why: string): TwilioError {
    return new TwilioError(409, 20409, `Conflict: ${why}`);
  }

  /** 20007: PageSize over the maximum. */
  static pageSizeTooLarge(max: number): TwilioError {
    return new TwilioError(400, 20007, `Page size too large: PageSize must be at most ${max}`);
  }

  /** 21481: a PageToken this server did not hand out (or not for this list). */
  static invalidPageToken(): TwilioError {
    return new TwilioError(400, 21481, 'Invalid PageToken');
  }
}
