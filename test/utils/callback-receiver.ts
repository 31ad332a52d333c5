import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

export interface ReceivedCallback {
  method: string;
  /** Path and query string, as requested. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface CallbackReceiver {
  /** `http://127.0.0.1:<port>`: where the receiver listens. */
  baseUrl: string;
  /** Every request received, in order. */
  received: ReceivedCallback[];
  close(): Promise<void>;
}

/**
 * A local HTTP server standing for a tenant's callback endpoint: it records every request and
 * answers each with the status `answer` gives (by default 204).
 */
export function startCallbackReceiver(
  answer: (request: ReceivedCallback, index: number) => number = () => 204,
): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const callback: ReceivedCallback = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
      };
      received.push(callback);
      response.statusCode = answer(callback, received.length - 1);
      response.end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        baseUrl: `http://127.0.0.1:${port}`,
        received,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/** The form parameters of a POST callback. */
export function formParams(callback: ReceivedCallback): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(callback.body));
}

/**
 * Whether a received callback bears a valid `X-Twilio-Signature` for `authToken`, checked as a
 * receiver checks it: with twilio-node's `validateRequest`, on the URL it was called at and, for a
 * POST, its form parameters.
 */
export function signedWith(
  authToken: string,
  receiver: CallbackReceiver,
  callback: ReceivedCallback,
): boolean {
  const signature = callback.headers['x-twilio-signature'];
  return (
    typeof signature === 'string' &&
    twilio.validateRequest(
      authToken,
      signature,
      `${receiver.baseUrl}${callback.path}`,
      callback.method === 'POST' ? formParams(callback) : {},
    )
  );
}
