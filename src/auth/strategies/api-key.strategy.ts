import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { CredentialVerifier } from '../credential-verifier.service';
import type { VerifiedApiKey } from '../principal';

/** Verifies the `X-API-Key` header against the stored, hashed keys. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly verifier: CredentialVerifier) {
    super();
  }

  async validate(request: Request): Promise<VerifiedApiKey | null> {
    const key = request.headers['x-api-key'];
    return typeof key === 'string' ? this.verifier.verifyApiKey(key) : null;
  }
}
