import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { CredentialVerifier } from '../credential-verifier.service';
import type { TenantPrincipal } from '../principal';
import { parseBasicAuthorization } from './basic-credentials';

export const NORTHBOUND_REALM = 'northbound';
export const TWILIO_REALM = 'Twilio API';

/** Asset Trackers: per-tenant northbound credentials, several per tenant, each revocable. */
@Injectable()
export class NorthboundBasicStrategy extends PassportStrategy(Strategy, 'northbound-basic') {
  constructor(private readonly verifier: CredentialVerifier) {
    super();
  }

  async validate(request: Request): Promise<TenantPrincipal | null> {
    const credentials = parseBasicAuthorization(request.headers.authorization);
    return credentials
      ? this.verifier.verifyNorthbound(credentials.userId, credentials.password)
      : null;
  }
}

/** Twilio-compatible APIs: the tenant's Account SID as username, its auth token as password. */
@Injectable()
export class TwilioBasicStrategy extends PassportStrategy(Strategy, 'twilio-basic') {
  constructor(private readonly verifier: CredentialVerifier) {
    super();
  }

  async validate(request: Request): Promise<TenantPrincipal | null> {
    const credentials = parseBasicAuthorization(request.headers.authorization);
    return credentials
      ? this.verifier.verifyAccount(credentials.userId, credentials.password)
      : null;
  }
}
