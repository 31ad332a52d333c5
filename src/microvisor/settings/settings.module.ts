import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../config/app-config';
import { MicrovisorDeviceEntity } from '../entities/device.entity';
import { DeviceSettingsService } from './device-settings.service';
import { SecretSealer } from './secret-sealer';
import {
  AccountConfigsController,
  AccountSecretsController,
  DeviceConfigsController,
  DeviceSecretsController,
} from './settings.controller';
import { SettingsService } from './settings.service';

/**
 * Microvisor's configs and secrets, of the account and of each device: their 20 routes in API
 * processes, and `DeviceSettingsService`, which gives a device what it receives at check-in.
 */
@Module({})
export class MicrovisorSettingsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const serves = config.role !== 'worker';
    return {
      module: MicrovisorSettingsModule,
      imports: [TypeOrmModule.forFeature([MicrovisorDeviceEntity])],
      controllers: serves
        ? [
            AccountConfigsController,
            AccountSecretsController,
            DeviceConfigsController,
            DeviceSecretsController,
          ]
        : [],
      providers: [SecretSealer, SettingsService, DeviceSettingsService],
      exports: [DeviceSettingsService],
    };
  }
}
