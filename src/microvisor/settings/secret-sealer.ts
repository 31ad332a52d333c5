import { Inject, Injectable } from '@nestjs/common';
import { openSecret, sealSecret } from '../../auth/sealed-secret';
import { APP_CONFIG, type ResolvedAppConfig } from '../../config/app-config';
import type { SettingOwner } from './setting-kinds';

/**
 * What a sealed value belongs to: authenticated with it, so a value copied to another key, device
 * or account does not open there.
 */
const sealContext = (owner: SettingOwner, key: string) =>
  owner.deviceSid === undefined
    ? `microvisor:account-secret:${owner.tenantId}:${key}`
    : `microvisor:device-secret:${owner.deviceSid}:${key}`;

/** Seals the values of Microvisor secrets under SECRETS_ENCRYPTION_KEY (AES-256-GCM), and opens them. */
@Injectable()
export class SecretSealer {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: ResolvedAppConfig) {
    this.key = config.secrets.encryptionKey;
  }

  seal(owner: SettingOwner, key: string, value: string): Buffer {
    return sealSecret(this.key, sealContext(owner, key), value);
  }

  /** The value; undefined when it does not open (sealed under another key, or altered). */
  open(owner: SettingOwner, key: string, sealed: Buffer): string | undefined {
    return openSecret(this.key, sealContext(owner, key), sealed);
  }
}
