import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { POSITION_SOURCES, type PositionSource } from '../entities/position.entity';

/** One stored position, as history, exports and the live stream give it. */
export class PositionDto {
  @ApiProperty({ example: '2026-04-04T14:30:00.000Z', description: 'Device time, UTC' })
  recordedAt!: string;

  @ApiProperty({ example: '2026-04-04T14:30:01.217Z', description: 'When FleetHub received it' })
  receivedAt!: string;

  @ApiProperty({ example: '101' })
  eventcode!: string;

  @ApiProperty({ description: 'false: the device had no GPS fix; the coordinates are unreliable' })
  fix!: boolean;

  @ApiProperty({ example: -34.6037 })
  lat!: number;

  @ApiProperty({ example: -58.3816 })
  lon!: number;

  @ApiProperty({ type: Number, nullable: true, example: 25 })
  altitude!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 45, description: 'km/h' })
  speed!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 180, description: 'degrees' })
  heading!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 12 })
  satellites!: number | null;

  @ApiProperty({ type: Boolean, nullable: true })
  ignition!: boolean | null;

  @ApiProperty({ type: Number, nullable: true, example: 3.5, description: 'metres' })
  accuracy!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 125430, description: 'km' })
  odometer!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  horometer!: number | null;

  @ApiProperty({ type: String, nullable: true })
  address!: string | null;

  @ApiProperty({ type: Number, nullable: true, description: '°C (Asset Trackers)' })
  temperature!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '% (Asset Trackers)' })
  battery!: number | null;

  @ApiProperty({ enum: POSITION_SOURCES })
  source!: PositionSource;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Source-specific fields with no column of their own',
  })
  extra!: Record<string, unknown> | null;
}

/** `meta` of a page: how many items it holds and where the next one starts. */
export class PageMetaDto {
  @ApiProperty({ example: 100 })
  count!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor!: string | null;
}

export class PositionPageDto {
  @ApiProperty({ example: true })
  success!: true;

  @ApiProperty({ type: [PositionDto] })
  data!: PositionDto[];

  @ApiProperty({ type: PageMetaDto })
  meta!: PageMetaDto;
}
