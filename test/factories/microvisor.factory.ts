import type { TenantCredentials } from '../../src/auth/tenants.service';
import {
  DeviceRegistrationService,
  type RegisteredDevice,
} from '../../src/microvisor/device-registration.service';
import type { TestApp } from '../utils/test-app';

/** The answer to an upload: the App's JSON as the API gives it. */
export interface UploadedApp {
  sid: string;
  hash: string;
  unique_name: string | null;
  url: string;
}

/** Uploads `bundle` as `tenant`, the way curl's `-F File=@app.zip` does; expects 201. */
export async function uploadApp(
  testApp: TestApp,
  tenant: Pick<TenantCredentials, 'accountSid' | 'authToken'>,
  bundle: Buffer,
  uniqueName?: string,
): Promise<UploadedApp> {
  let request = testApp.http
    .post(MICROVISOR_UPLOAD_APPS)
    .auth(tenant.accountSid, tenant.authToken)
    .attach('File', bundle, { filename: 'app.zip', contentType: 'application/zip' });
  if (uniqueName !== undefined) request = request.field('UniqueName', uniqueName);
  const response = await request;
  if (response.status !== 201) {
    throw new Error(`upload answered ${response.status}: ${response.text}`);
  }
  return response.body as UploadedApp;
}

export const MICROVISOR_UPLOAD_APPS = '/microvisor-upload/v1/Apps';

/** A Device of `tenant`, registered as `device:register` does it: its SID and credential. */
export function registerDevice(
  testApp: TestApp,
  tenant: Pick<TenantCredentials, 'tenant'>,
  uniqueName?: string,
): Promise<RegisteredDevice> {
  return testApp.app.get(DeviceRegistrationService).register(tenant.tenant, uniqueName);
}
