import { once } from 'node:events';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { TelemetryTarget } from './telemetry-load';

/**
 * A telemetry request the server has begun but cannot finish yet: its headers ask
 * `Expect: 100-continue`, so the server's "100 Continue" proves it holds the request, and the body
 * is sent only when the test says. It is in flight, for certain, across whatever the test does
 * in between (a SIGTERM).
 */
export class HeldRequest {
  private constructor(
    private readonly request: ClientRequest,
    private readonly response: Promise<IncomingMessage>,
    private readonly body: string,
  ) {}

  static async open(target: TelemetryTarget, body: string): Promise<HeldRequest> {
    const held = request(target.url, {
      method: 'POST',
      headers: {
        ...target.headers,
        'content-length': Buffer.byteLength(body),
        expect: '100-continue',
      },
      // A connection of its own, never one the pool could reuse or the server close as idle.
      agent: false,
    });
    const response = once(held, 'response').then(([message]) => message as IncomingMessage);
    held.flushHeaders();
    await Promise.race([once(held, 'continue'), response]);
    return new HeldRequest(held, response, body);
  }

  /** Sends the body; the answer's status. */
  async finish(): Promise<number> {
    this.request.end(this.body);
    const response = await this.response;
    response.resume();
    await once(response, 'end');
    return response.statusCode ?? 0;
  }
}
