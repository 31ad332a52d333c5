import twilio from 'twilio';
import type { TenantCredentials } from '../../src/auth/tenants.service';
import { listeningUrl } from './listening-url';
import type { TestApp } from './test-app';

export type TwilioClient = twilio.Twilio;

/**
 * The official twilio-node client (5.7.1, the last with both Wireless and Microvisor) as a tenant
 * of `testApp`: its Account SID and auth token, and `baseUrl` of both domains pointed at the app,
 * listening on an ephemeral port (twilio-node speaks real HTTP). Nothing else of the client is
 * changed: it builds `<baseUrl>/v1/...` and follows the answers' absolute URLs itself.
 */
export async function twilioClient(
  testApp: TestApp,
  tenant: Pick<TenantCredentials, 'accountSid' | 'authToken'>,
): Promise<TwilioClient> {
  // With an edge or a region, the client rewrites every host it calls into *.twilio.com.
  if (process.env.TWILIO_EDGE || process.env.TWILIO_REGION) {
    throw new Error('Unset TWILIO_EDGE and TWILIO_REGION: they send the client to twilio.com');
  }
  const origin = await listeningUrl(testApp);
  const client = twilio(tenant.accountSid, tenant.authToken);
  client.wireless.baseUrl = `${origin}/wireless`;
  client.microvisor.baseUrl = `${origin}/microvisor`;
  return client;
}
