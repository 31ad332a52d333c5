import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { BasicStrategy } from 'passport-http';
import { CredentialVerifier } from '../credential-verifier.service';
import type { TenantPrincipal } from '../principal';

export const NORTHBOUND_REALM = 'northbound';
export const TWILIO_REALM = 'Twilio API';

/** Asset Trackers: per-tenant northbound credentials, several per tenant, each revocable. */
@Injectable()
export class NorthboundBasicStrategy extends PassportStrategy(BasicStrategy, 'northbound-basic') {
  constructor(private readonly verifier: CredentialVerifier) {
    super({ realm: NORTHBOUND_REALM });
  }

  validate(username: string, password: string): Promise<TenantPrincipal | null> {
    return this.verifier.verifyNorthbound(username, password);
  }
}

/** Twilio-compatible APIs: the tenant's Account SID as username, its auth token as password. */
@Injectable()
export class TwilioBasicStrategy extends PassportStrategy(BasicStrategy, 'twilio-basic') {
  constructor(private readonly verifier: CredentialVerifier) {
    super({ realm: TWILIO_REALM });
  }

  validate(accountSid: string, authToken: string): Promise<TenantPrincipal | null> {
    return this.verifier.verifyAccount(accountSid, authToken);
  }
}
