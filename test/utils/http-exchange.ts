import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { rawRequest } from './raw-http';

/**
 * One request, byte for byte as it goes on the wire, but for `Host`, which is added, and a body's
 * `Content-Length`, added unless the headers frame the body themselves.
 */
export interface HttpExchange {
  method: string;
  /** The request target as sent: percent-encoded, or with raw bytes as latin1 characters. */
  target: string;
  /** Header lines in order, duplicates included. */
  headers: readonly (readonly [string, string])[];
  body?: Buffer;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** False when the server cut the answer short (e.g. a stream failing after its first byte). */
  complete: boolean;
}

/** A request that gets no answer in this time is reported as such rather than hanging the test. */
const ANSWER_TIMEOUT_MS = 15_000;

const NODE_REFUSES_TO_SEND = new Set([
  'ERR_UNESCAPED_CHARACTERS',
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
]);

/**
 * Sends `exchange` to the server on `port` and reads the whole answer, except an event stream's,
 * which is closed as soon as its head arrives. What Node's client refuses to send (control
 * characters in the request line or a header) goes over a bare socket instead.
 */
export function exchange(port: number, request: HttpExchange): Promise<HttpAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)),
      ANSWER_TIMEOUT_MS,
    );
  });
  return Promise.race([send(port, request), timeout]).finally(() => clearTimeout(timer));
}

const FRAMING = new Set(['content-length', 'transfer-encoding']);

function headerLines(port: number, request: HttpExchange): (readonly [string, string])[] {
  const framed = request.headers.some(([name]) => FRAMING.has(name.toLowerCase()));
  return [
    ['Host', `127.0.0.1:${port}`],
    ...request.headers,
    ...(request.body && !framed ? [['Content-Length', String(request.body.length)] as const] : []),
  ];
}

function send(port: number, request: HttpExchange): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    let outgoing;
    try {
      outgoing = httpRequest({
        host: '127.0.0.1',
        port,
        method: request.method,
        path: request.target,
        headers: headerLines(port, request).flat(),
        agent: false,
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code && NODE_REFUSES_TO_SEND.has(code)) {
        sendOverSocket(port, request).then(resolve, reject);
        return;
      }
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    outgoing.on('response', (response) => {
      if (String(response.headers['content-type']).startsWith('text/event-stream')) {
        response.destroy();
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: '',
          complete: true,
        });
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', () => undefined);
      response.on('close', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          complete: response.complete,
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

async function sendOverSocket(port: number, request: HttpExchange): Promise<HttpAnswer> {
  const lines = [
    `${request.method} ${request.target} HTTP/1.1`,
    ...headerLines(port, request).map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
  ];
  const answer = await rawRequest(port, `${lines.join('\r\n')}\r\n\r\n`, request.body);
  answer.socket.destroy();
  return { status: answer.status, headers: answer.headers, body: answer.body, complete: true };
}

export interface ExchangeResult {
  answer?: HttpAnswer;
  /** Why there is no answer. */
  error?: string;
}

/** Sends every request, `concurrency` at a time; results in the order of `requests`. */
export async function exchangeAll(
  port: number,
  requests: readonly HttpExchange[],
  concurrency: number,
): Promise<ExchangeResult[]> {
  const results: ExchangeResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const index = next++;
        try {
          results[index] = { answer: await exchange(port, requests[index]) };
        } catch (error) {
          results[index] = { error: String(error) };
        }
      }
    }),
  );
  return results;
}
