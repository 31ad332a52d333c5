import { ApiProperty } from '@nestjs/swagger';
import { POSITION_SOURCES, type PositionSource } from '../entities/position.entity';
import { PageMetaDto } from './position.response';

/** An alert or non-position event code of a device. */
export class DeviceEventDto {
  @ApiProperty({ example: '2026-04-04T14:30:00.000Z', description: 'Device time, UTC' })
  occurredAt!: string;

  @ApiProperty({
    example: 'BATTERY_LOW',
    description: 'Telemetry event name, or Asset Tracker alert',
  })
  type!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '116',
    description: 'Telemetry event code',
  })
  code!: string | null;

  @ApiProperty({ enum: POSITION_SOURCES })
  source!: PositionSource;

  @ApiProperty({ example: '2026-04-04T14:30:01.217Z' })
  receivedAt!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  data!: Record<string, unknown> | null;
}

export class DeviceEventPageDto {
  @ApiProperty({ example: true })
  success!: true;

  @ApiProperty({ type: [DeviceEventDto] })
  data!: DeviceEventDto[];

  @ApiProperty({ type: PageMetaDto })
  meta!: PageMetaDto;
}
