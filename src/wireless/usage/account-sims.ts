import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { TwilioError } from '../../twilio/twilio-error';
import { SimEntity } from '../entities/sim.entity';
import { simAddress } from '../wireless-addresses';

/** The Sims of an account, as the routes under `/Sims/{SimSid}` address them. */
@Injectable()
export class AccountSims {
  constructor(@InjectRepository(SimEntity) private readonly sims: Repository<SimEntity>) {}

  /**
   * The SID of the tenant's Sim of this SID or unique name; 20404 naming `path` (the resource
   * asked for, under the API's version) when the tenant has none.
   */
  async sidOf(tenantId: string, sidOrName: string, path: string): Promise<string> {
    const address = simAddress(sidOrName);
    const sim =
      address &&
      (await this.sims.findOne({ select: { sid: true }, where: { tenantId, ...address } }));
    if (!sim) throw TwilioError.notFound(path);
    return sim.sid;
  }
}
