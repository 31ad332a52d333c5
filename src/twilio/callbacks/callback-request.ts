import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { CallbackMethod } from '../entities/callback-delivery.entity';
import { twilioSignature } from './callback-signature';
import { ForbiddenAddressError, isPublicAddress, publicAddressLookup } from './public-address';

export interface CallbackRequest {
  /** The callback URL as scheduled (see `parseCallbackUrl`). */
  url: string;
  method: CallbackMethod;
  params: Record<string, string>;
  /** The tenant's auth token: the signature's key. */
  authToken: string;
  /** Sent as `I-Twilio-Idempotency-Token`, the same on every attempt: receivers can drop repeats. */
  idempotencyToken: string;
}

export interface CallbackRequestOptions {
  timeoutMs: number;
  /** CALLBACKS_ALLOW_PRIVATE: skip the public-address check. */
  allowPrivate: boolean;
}

/** What one attempt met: an HTTP answer (`status`), or the class of what kept it from one. */
export interface CallbackOutcome {
  delivered: boolean;
  status: number | null;
  error: string | null;
  /** False when another attempt cannot fare better (a refused address). */
  retryable: boolean;
}

const USER_AGENT = 'FleetHub-Callbacks';

function answered(status: number): CallbackOutcome {
  return { delivered: status >= 200 && status < 300, status, error: null, retryable: true };
}

/** What is recorded of an error: a class or code, never a message (it could quote the URL). */
function failed(error: unknown): CallbackOutcome {
  if (error instanceof ForbiddenAddressError) {
    return { delivered: false, status: null, error: 'ForbiddenAddress', retryable: false };
  }
  const { name, code } = error as { name?: unknown; code?: unknown };
  // The request's only abort signal is its timeout.
  const kind =
    name === 'AbortError' || name === 'TimeoutError'
      ? 'Timeout'
      : typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code)
        ? code
        : typeof name === 'string'
          ? name.slice(0, 64)
          : 'Error';
  return { delivered: false, status: null, error: kind, retryable: true };
}

/** The address a URL's host names when it is a literal IP address (IPv6 without its brackets). */
function literalAddress(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? host : undefined;
}

/**
 * One attempt at a callback, in Twilio's form: a POST carries the parameters form-encoded, a GET
 * in its query string; `X-Twilio-Signature` signs the URL requested and the POST parameters.
 * Redirects are not followed (a 3xx is not a delivery), the answer's body is not read, and no
 * connection is shared with other requests (each is checked on its own). Never rejects.
 */
export function sendCallback(
  callback: CallbackRequest,
  options: CallbackRequestOptions,
): Promise<CallbackOutcome> {
  const target = new URL(callback.url);
  target.hash = '';
  const posted = callback.method === 'POST';
  if (!posted) {
    for (const [name, value] of Object.entries(callback.params)) {
      target.searchParams.append(name, value);
    }
  }
  const literal = literalAddress(target);
  if (!options.allowPrivate && literal !== undefined && !isPublicAddress(literal)) {
    return Promise.resolve(failed(new ForbiddenAddressError(literal)));
  }
  const body = posted ? new URLSearchParams(callback.params).toString() : undefined;
  const headers: Record<string, string> = {
    'User-Agent': USER_AGENT,
    'X-Twilio-Signature': twilioSignature(
      callback.authToken,
      target.href,
      posted ? callback.params : {},
    ),
    'I-Twilio-Idempotency-Token': callback.idempotencyToken,
    ...(body === undefined
      ? {}
      : {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': String(Buffer.byteLength(body)),
        }),
  };
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      target,
      {
        method: callback.method,
        headers,
        agent: false,
        lookup: options.allowPrivate ? undefined : publicAddressLookup,
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        // The timeout still bounds the unread rest of the answer.
        response.on('error', () => undefined).resume();
        resolve(answered(response.statusCode ?? 0));
      },
    );
    request.on('error', (error) => resolve(failed(error)));
    request.end(body);
  });
}
