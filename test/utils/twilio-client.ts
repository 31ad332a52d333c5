import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { listeningUrl } from './listening-url';
import type { TestApp } from './test-app';

export type TwilioClient = twilio.Twilio;

type RequestOptions<TData> = RequestClient.RequestOptions<TData>;

/** One request of the client and the answer it received. */
export interface TwilioExchange {
  method: string;
  url: string;
  status: number;
  /** As the client read it: JSON parsed, anything else as text. */
  body: unknown;
}

/** twilio-node's own HTTP client, keeping every exchange, so that a test can check each answer. */
class RecordingRequestClient extends twilio.RequestClient {
  readonly exchanges: TwilioExchange[] = [];

  override async request<TData>(opts: RequestOptions<TData>): Promise<Response<TData>> {
    const response = await super.request(opts);
    this.exchanges.push({
      method: opts.method.toUpperCase(),
      url: opts.uri,
      status: response.statusCode,
      body: response.body,
    });
    return response;
  }
}

export interface TestTwilioClient {
  client: TwilioClient;
  /** Every answer the client has received, oldest first; a test may take them out (`splice`). */
  exchanges: TwilioExchange[];
}

/**
 * The official twilio-node client (5.7.1, the last with both Wireless and Microvisor) as a tenant
 * of `testApp`: its Account SID and auth token, and `baseUrl` of both domains pointed at the app,
 * listening on an ephemeral port (twilio-node speaks real HTTP). Nothing else of the client is
 * changed: it builds `<baseUrl>/v1/...` and follows the answers' absolute URLs itself.
 */
export async function twilioClient(
  testApp: TestApp,
  tenant: Pick<TenantCredentials, 'accountSid' | 'authToken'>,
): Promise<TestTwilioClient> {
  // With an edge or a region, the client rewrites every host it calls into *.twilio.com.
  if (process.env.TWILIO_EDGE || process.env.TWILIO_REGION) {
    throw new Error('Unset TWILIO_EDGE and TWILIO_REGION: they send the client to twilio.com');
  }
  const origin = await listeningUrl(testApp);
  const httpClient = new RecordingRequestClient();
  const client = twilio(tenant.accountSid, tenant.authToken, { httpClient });
  client.wireless.baseUrl = `${origin}/wireless`;
  client.microvisor.baseUrl = `${origin}/microvisor`;
  return { client, exchanges: httpClient.exchanges };
}
