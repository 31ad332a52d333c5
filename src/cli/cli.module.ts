import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import type { ResolvedAppConfig } from '../config/app-config';
import { AppConfigModule } from '../config/config.module';
import { buildDataSourceOptions } from '../database/data-source-options';

/** What operator commands need: configuration, the database and the auth services. No HTTP, no queues. */
@Module({})
export class CliModule {
  static forRoot(config: ResolvedAppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRoot(buildDataSourceOptions(config.database.url, 2)),
        AuthModule,
      ],
    };
  }
}
