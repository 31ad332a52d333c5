import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { DataLifecycleService } from './data-lifecycle.service';
import { TenantRetentionService } from './tenant-retention.service';

/**
 * Partitions ahead and retention (DataLifecycleService): run by workers, not by API processes.
 * Imported without `forRoot` (the operator CLI), it offers only the tenants' retention settings.
 */
@Module({ providers: [TenantRetentionService], exports: [TenantRetentionService] })
export class LifecycleModule {
  static forRoot(config: AppConfig): DynamicModule {
    const runs = config.role !== 'api';
    return {
      module: LifecycleModule,
      providers: runs ? [DataLifecycleService] : [],
      exports: runs ? [DataLifecycleService] : [],
    };
  }
}
