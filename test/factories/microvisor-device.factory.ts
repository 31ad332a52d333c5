import { randomSecret, sha256 } from '../../src/auth/secrets';
import { MicrovisorDeviceEntity } from '../../src/microvisor/entities/device.entity';
import { newSid } from '../../src/twilio/sid';
import type { TestApp } from '../utils/test-app';

/** A Microvisor device of a tenant, as registration leaves it: a credential of its own, hashed. */
export async function insertMicrovisorDevice(
  testApp: TestApp,
  tenantId: string,
  overrides: Partial<MicrovisorDeviceEntity> = {},
): Promise<MicrovisorDeviceEntity> {
  const repository = testApp.dataSource.getRepository(MicrovisorDeviceEntity);
  const device = repository.create({
    sid: newSid('UV'),
    tenantId,
    uniqueName: null,
    credentialHash: sha256(randomSecret()),
    ...overrides,
  });
  await repository.insert(device);
  return device;
}
