import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Expose, Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
  registerDecorator,
} from 'class-validator';
import type { DroppedValue } from '../northbound.queue';
import { IsOptional } from '../../common/validation/is-optional';
import { PRINTABLE_TEXT, PRINTABLE_TEXT_MESSAGE } from '../../common/validation/storable-text';
import {
  CELL_MODES,
  LOCATION_TYPES,
  TRACKER_ALERTS,
  type CellMode,
  type LocationType,
} from '../tracker-message.constants';

/** Ints and floats alike: the tracker prints integral floats without a decimal point. */
const IsFiniteNumber = () => IsNumber({ allowNaN: false, allowInfinity: false });

/**
 * Unix seconds (int or float), not negative. Whether the time is plausible (the configured
 * device-time window) is judged by `tracker-message.reader.ts`.
 */
function IsUnixSeconds(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isUnixSeconds',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be Unix seconds, a number from 0 on' },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isFinite(value) && value >= 0,
      },
    });
}

/*
 * The known keys of a tracker message. `@Expose` on every one: only these are read into the DTO
 * (any other key stays in the stored message, untouched). Which failures drop what is decided in
 * `tracker-message.reader.ts`, which stops at each property's first failure: checks run bottom-up,
 * so each property's type check sits nearest to it, and a wrong type is named as such.
 */

export class TrackerStatusDto {
  @Expose()
  @ApiPropertyOptional({ description: 'Moving; absent when motion monitoring is off' })
  @IsOptional()
  @IsBoolean()
  inMotion?: boolean;

  @Expose()
  @ApiPropertyOptional({ description: 'Inside the geofence; absent while unknown or disabled' })
  @IsOptional()
  @IsBoolean()
  inGeofence?: boolean;

  @Expose()
  @ApiPropertyOptional({ description: 'In repossession mode; absent when it is disabled' })
  @IsOptional()
  @IsBoolean()
  repossession?: boolean;
}

export class TrackerLocationDto {
  @Expose()
  @ApiProperty({ example: 1669213301, description: 'Unix seconds when located; 0: no fix yet' })
  @IsUnixSeconds()
  timestamp!: number;

  @Expose()
  @ApiPropertyOptional({ enum: LOCATION_TYPES })
  @IsOptional()
  @IsIn(LOCATION_TYPES)
  type?: LocationType;

  @Expose()
  @ApiPropertyOptional({ example: 4.821, minimum: 0, description: 'Radius in metres' })
  @IsOptional()
  @Min(0)
  @IsFiniteNumber()
  accuracy?: number;

  @Expose()
  @ApiProperty({ example: 37.77493, minimum: -90, maximum: 90 })
  @Min(-90)
  @Max(90)
  @IsFiniteNumber()
  lat!: number;

  @Expose()
  @ApiPropertyOptional({ example: -122.4194, minimum: -180, maximum: 180 })
  // Required unless the documentation's spelling, `lon`, stands in for it.
  @ValidateIf(
    (location: TrackerLocationDto) => location.lng !== undefined || location.lon === undefined,
  )
  @Min(-180)
  @Max(180)
  @IsFiniteNumber()
  lng?: number;

  @Expose()
  @ApiPropertyOptional({ description: 'Accepted as an alias of `lng`' })
  @IsOptional()
  @Min(-180)
  @Max(180)
  @IsFiniteNumber()
  lon?: number;
}

export class TrackerSensorsDto {
  @Expose()
  @ApiPropertyOptional({ example: 21, minimum: -100, maximum: 200, description: '°C' })
  @IsOptional()
  @Min(-100)
  @Max(200)
  @IsFiniteNumber()
  temperature?: number;

  @Expose()
  @ApiPropertyOptional({ example: 87.35612, minimum: 0, maximum: 100, description: 'Percent' })
  @IsOptional()
  @Min(0)
  @Max(100)
  @IsFiniteNumber()
  batteryLevel?: number;
}

export class TrackerCellInfoDto {
  @Expose()
  @ApiPropertyOptional({ example: 1669213332 })
  @IsOptional()
  @IsUnixSeconds()
  timestamp?: number;

  @Expose()
  @ApiPropertyOptional({ enum: CELL_MODES })
  @IsOptional()
  @IsIn(CELL_MODES)
  mode?: CellMode;

  @Expose()
  @ApiPropertyOptional({ example: '310' })
  @IsOptional()
  @Matches(/^\d{3}$/, { message: '$property must be 3 digits' })
  @IsString()
  mcc?: string;

  @Expose()
  @ApiPropertyOptional({ example: '410' })
  @IsOptional()
  @Matches(/^\d{2,3}$/, { message: '$property must be 2 or 3 digits' })
  @IsString()
  mnc?: string;

  @Expose()
  @ApiPropertyOptional({ example: -71, minimum: -200, maximum: 0, description: 'RSSI, dBm' })
  @IsOptional()
  @Min(-200)
  @Max(0)
  @IsFiniteNumber()
  signalStrength?: number;
}

export class TrackerGnssInfoDto {
  @Expose()
  @ApiPropertyOptional({ example: 1669213301 })
  @IsOptional()
  @IsUnixSeconds()
  timestamp?: number;

  @Expose()
  @ApiPropertyOptional({ example: 9, minimum: 0, maximum: 255 })
  @IsOptional()
  @Min(0)
  @Max(255)
  @IsInt()
  satellitesUsed?: number;
}

/** One message of a Programmable Asset Tracker, as its application (v3.1.2) sends it. */
export class TrackerMessageDto {
  @Expose()
  @ApiProperty({ example: '600a0002d7026715', maxLength: 64, description: 'The imp device id' })
  @MinLength(1)
  @MaxLength(64)
  @Matches(PRINTABLE_TEXT, { message: `$property ${PRINTABLE_TEXT_MESSAGE}` })
  @IsString()
  trackerId!: string;

  @Expose()
  @ApiProperty({ example: 1669213337, description: 'Unix seconds when the reading was taken' })
  @IsUnixSeconds()
  timestamp!: number;

  @Expose()
  @ApiPropertyOptional({ type: TrackerStatusDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TrackerStatusDto)
  status?: TrackerStatusDto;

  @Expose()
  @ApiPropertyOptional({ type: TrackerLocationDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TrackerLocationDto)
  location?: TrackerLocationDto;

  @Expose()
  @ApiPropertyOptional({ type: TrackerSensorsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TrackerSensorsDto)
  sensors?: TrackerSensorsDto;

  @Expose()
  @ApiPropertyOptional({ enum: TRACKER_ALERTS, isArray: true })
  @IsOptional()
  @IsIn(TRACKER_ALERTS, { each: true })
  @IsArray()
  alerts?: unknown[];

  @Expose()
  @ApiPropertyOptional({ type: TrackerCellInfoDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TrackerCellInfoDto)
  cellInfo?: TrackerCellInfoDto;

  @Expose()
  @ApiPropertyOptional({ type: TrackerGnssInfoDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TrackerGnssInfoDto)
  gnssInfo?: TrackerGnssInfoDto;
}

export class DroppedValueDto implements DroppedValue {
  @ApiProperty({ example: 'sensors.batteryLevel' })
  field!: string;

  @ApiProperty({ example: 'batteryLevel must not be greater than 100' })
  message!: string;
}

export class TrackerMessageAcceptedDto {
  @ApiProperty({ example: 'OK' })
  status!: 'OK';

  @ApiProperty({
    type: [DroppedValueDto],
    description: 'Values of known keys that were impossible: dropped, the rest of the message kept',
  })
  warnings!: DroppedValueDto[];
}
