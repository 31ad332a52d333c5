import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { MeteringModule } from '../../metering/metering.module';
import { DataSessionsService } from './data-sessions.service';
import { UsageFlusher } from './usage-flusher';
import { UsageRecordsService } from './usage-records.service';

/**
 * Sim usage measured from ingestion traffic: processes that serve HTTP store what their meter
 * counted (UsageFlusher); UsageRecords and DataSessions read it back.
 */
@Module({})
export class WirelessUsageModule {
  static forRoot(config: AppConfig): DynamicModule {
    const serves = config.role !== 'worker';
    return {
      module: WirelessUsageModule,
      imports: [MeteringModule],
      providers: [UsageRecordsService, DataSessionsService, ...(serves ? [UsageFlusher] : [])],
      exports: [UsageRecordsService, DataSessionsService],
    };
  }
}
