import { createHmac } from 'node:crypto';

/**
 * Twilio's `X-Twilio-Signature`: base64 of the HMAC-SHA1, under the tenant's auth token, of the
 * URL requested (query string included) followed by each POST parameter's name and value, the
 * names in sorted order. A GET has its parameters in the URL and passes none here.
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
): string {
  const signed = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url);
  return createHmac('sha1', authToken).update(signed, 'utf8').digest('base64');
}
