import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { DataLifecycleService } from './data-lifecycle.service';

/** Partitions ahead and retention (DataLifecycleService): run by workers, not by API processes. */
@Module({})
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
