import type { Request } from 'express';
import { TwilioError } from './twilio-error';

/** A host as a URL may carry it: a name or IPv4 address, or a bracketed IPv6 one; a port. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The absolute URL of `mountPath` (e.g. `/wireless/v1`) as the client reached this server:
 * scheme and host from the request, or from `X-Forwarded-Proto` / `X-Forwarded-Host` when the
 * proxy in front is trusted (TRUST_PROXY: Express's `req.protocol` and `req.host` follow it).
 * Resources carry absolute URLs, which twilio-node follows verbatim (paging): they must lead back
 * here, not to twilio.com. A host that could not be written into a URL is refused (400).
 */
export function apiBaseUrl(request: Request, mountPath: string): string {
  const protocol = request.protocol;
  const host = request.host;
  if ((protocol !== 'http' && protocol !== 'https') || host === undefined || !HOST.test(host)) {
    throw new TwilioError(400, 20001, 'The request names no host this server can answer for');
  }
  return `${protocol}://${host}${mountPath}`;
}

/** Query parameters in the order given; absent ones left out, values percent-encoded. */
export function withQuery(url: string, params: readonly [string, string | undefined][]): string {
  const query = params
    .filter((pair): pair is [string, string] => pair[1] !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
  return query ? `${url}?${query}` : url;
}
