import { Module } from '@nestjs/common';
import { DeviceDataWriter } from './device-data.writer';

/** Devices, their positions and events: the entities ingestion writes and queries read. */
@Module({
  providers: [DeviceDataWriter],
  exports: [DeviceDataWriter],
})
export class DevicesModule {}
