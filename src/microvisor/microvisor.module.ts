import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { TwilioModule } from '../twilio/twilio.module';
import { AppUploadController } from './app-upload.controller';
import { AppsController } from './apps.controller';
import { AppsService } from './apps.service';
import { CheckInService } from './device-side/check-in.service';
import { DeviceSideController } from './device-side/device-side.controller';
import { DeviceRegistrationService } from './device-registration.service';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';
import { AccountConfigEntity } from './entities/account-config.entity';
import { AccountSecretEntity } from './entities/account-secret.entity';
import { MicrovisorAppEntity } from './entities/app.entity';
import { DeviceConfigEntity } from './entities/device-config.entity';
import { DeviceSecretEntity } from './entities/device-secret.entity';
import { MicrovisorDeviceEntity } from './entities/device.entity';
import { MICROVISOR_MOUNT, MICROVISOR_UPLOAD_MOUNT } from './microvisor-paths';
import { MicrovisorSettingsModule } from './settings/settings.module';

/**
 * Twilio-compatible Microvisor v1, mounted at /microvisor/v1 (apps are uploaded at
 * /microvisor-upload/v1), and the device side its devices check in at.
 *
 * Imported without `forRoot` (the operator CLI), it offers only the registration of Devices.
 */
@Module({
  imports: [TypeOrmModule.forFeature([MicrovisorDeviceEntity])],
  providers: [DeviceRegistrationService],
  exports: [DeviceRegistrationService],
})
export class MicrovisorModule {
  static forRoot(config: AppConfig): DynamicModule {
    const serves = config.role !== 'worker';
    return {
      module: MicrovisorModule,
      imports: [
        TwilioModule.forMount(MICROVISOR_MOUNT),
        TwilioModule.forMount(MICROVISOR_UPLOAD_MOUNT),
        TypeOrmModule.forFeature([
          MicrovisorAppEntity,
          MicrovisorDeviceEntity,
          AccountConfigEntity,
          AccountSecretEntity,
          DeviceConfigEntity,
          DeviceSecretEntity,
        ]),
        MicrovisorSettingsModule.forRoot(config),
      ],
      controllers: serves
        ? [AppsController, AppUploadController, DevicesController, DeviceSideController]
        : [],
      providers: [AppsService, DevicesService, CheckInService],
    };
  }
}
