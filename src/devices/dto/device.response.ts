import { ApiProperty } from '@nestjs/swagger';
import { DEVICE_KINDS, type DeviceKind } from '../entities/device.entity';
import { PageMetaDto } from './position.response';

/**
 * A device's latest (or last fixed) position: the stored reading without its arrival time.
 * Always `recordedAt`, `eventcode`, `fix`, `lat`, `lon`; the other reading fields when the device
 * sent them.
 */
export class PositionSnapshotDto {
  @ApiProperty({ example: '2026-04-04T14:30:30.000Z', description: 'Device time, UTC' })
  recordedAt!: string;

  @ApiProperty({ example: '101' })
  eventcode!: string;

  @ApiProperty()
  fix!: boolean;

  @ApiProperty({ example: -34.604 })
  lat!: number;

  @ApiProperty({ example: -58.382 })
  lon!: number;

  [field: string]: unknown;
}

export class DeviceDto {
  @ApiProperty({ example: '352093081234567', description: 'IMEI, or trackerId (Asset Trackers)' })
  deviceId!: string;

  @ApiProperty({ enum: DEVICE_KINDS })
  kind!: DeviceKind;

  @ApiProperty({ example: '2026-04-04T14:30:01.217Z' })
  firstSeenAt!: string;

  @ApiProperty({ example: '2026-04-04T14:35:02.004Z', description: 'Last arrival of any data' })
  lastSeenAt!: string;

  @ApiProperty({
    type: PositionSnapshotDto,
    nullable: true,
    description: 'Newest position by device time (late arrivals never replace a newer one)',
  })
  latestPosition!: PositionSnapshotDto | null;

  @ApiProperty({
    type: PositionSnapshotDto,
    nullable: true,
    description: 'Newest position with a GPS fix',
  })
  lastFixPosition!: PositionSnapshotDto | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Latest status (Asset Trackers); null for other devices',
  })
  status!: Record<string, unknown> | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Latest sensor readings (Asset Trackers); null for other devices',
  })
  sensors!: Record<string, unknown> | null;
}

export class DeviceResponseDto {
  @ApiProperty({ example: true })
  success!: true;

  @ApiProperty({ type: DeviceDto })
  data!: DeviceDto;

  @ApiProperty({ type: 'object', properties: {}, example: {} })
  meta!: Record<string, never>;
}

export class DevicePageDto {
  @ApiProperty({ example: true })
  success!: true;

  @ApiProperty({ type: [DeviceDto] })
  data!: DeviceDto[];

  @ApiProperty({ type: PageMetaDto })
  meta!: PageMetaDto;
}
