import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from the first byte sent to the whole answer received. */
  elapsedMs: number;
  /** The socket, still open if the server kept it: the caller destroys it. */
  socket: Socket;
}

/**
 * Sends `head` (request line and headers, CRLF-terminated, blank line included) and then `body`
 * as it is, and resolves with the server's answer as soon as it is whole, whether or not the
 * request was. For what supertest cannot send: a body that never completes, a request line past
 * Node's header limit.
 */
export function rawRequest(
  port: number,
  head: string,
  body: Buffer | string = '',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      if (body.length > 0) socket.write(body);
    });
    let received = Buffer.alloc(0);
    const tryParse = () => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
        }),
      );
      const length = Number(headers['content-length'] ?? 0);
      const rest = received.subarray(end + 4);
      if (rest.length < length) return;
      socket.removeAllListeners('data');
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: rest.subarray(0, length).toString('utf8'),
        elapsedMs: Date.now() - started,
        socket,
      });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      tryParse();
    });
    socket.on('error', reject);
    socket.on('close', () =>
      reject(new Error(`Connection closed before an answer: ${received.toString('latin1')}`)),
    );
  });
}
