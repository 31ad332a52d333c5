import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../config/app-config';
import { MeteringModule } from '../../metering/metering.module';
import { SimEntity } from '../entities/sim.entity';
import { AccountSims } from './account-sims';
import { DataSessionsService } from './data-sessions.service';
import { UsageFlusher } from './usage-flusher';
import { UsageRecordsService } from './usage-records.service';

/**
 * Sim usage measured from ingestion traffic: processes that serve HTTP store what their meter
 * counted (UsageFlusher); UsageRecords and DataSessions read it back (their controllers are
 * WirelessModule's, beside the other Wireless routes).
 */
@Module({})
export class WirelessUsageModule {
  static forRoot(config: AppConfig): DynamicModule {
    const serves = config.role !== 'worker';
    return {
      module: WirelessUsageModule,
      imports: [MeteringModule, TypeOrmModule.forFeature([SimEntity])],
      providers: [
        AccountSims,
        UsageRecordsService,
        DataSessionsService,
        ...(serves ? [UsageFlusher] : []),
      ],
      exports: [AccountSims, UsageRecordsService, DataSessionsService],
    };
  }
}
