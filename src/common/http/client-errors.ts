import {
  STATUS_CODES,
  maxHeaderSize,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, apiErrorBody } from '../errors/api-error';

function errorFor(code: string | undefined): ApiError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError(
        'REQUEST_HEADERS_TOO_LARGE',
        `The request line and headers are larger than this server accepts (${maxHeaderSize} bytes)`,
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError('REQUEST_TIMEOUT', 'The request did not arrive in time');
    default:
      return new ApiError('BAD_REQUEST', 'The request is not valid HTTP/1.1');
  }
}

/**
 * Requests Node refuses before any route sees them (a request line or headers past
 * `maxHeaderSize`, malformed HTTP, a request that does not arrive in time, an `Expect` other than
 * `100-continue`) get the `/apidev/v1` error envelope too, instead of Node's bare status line. For
 * malformed requests there is no request or response object yet: the answer is written to the
 * socket. Either way the connection is then closed.
 */
export function answerClientErrors(server: Server): void {
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    const error = new ApiError(
      'EXPECTATION_FAILED',
      'The only Expect this server meets is 100-continue',
    );
    const body = JSON.stringify(apiErrorBody(error));
    response
      .writeHead(error.status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        Connection: 'close',
      })
      .end(body);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // An answer already under way on this connection cannot be followed by another.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const apiError = errorFor(error.code);
    const body = JSON.stringify(apiErrorBody(apiError));
    socket.end(
      `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
