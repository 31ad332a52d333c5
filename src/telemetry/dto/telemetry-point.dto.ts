import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { DEVICE_ID_MAX_LENGTH } from '../../common/validation/device-id';
import { IsOptional } from '../../common/validation/is-optional';
import {
  PRINTABLE_TEXT,
  PRINTABLE_TEXT_MESSAGE,
  STORABLE_TEXT,
} from '../../common/validation/storable-text';
import { DEFAULT_DEVICE_TIME_WINDOW } from '../../config/app-config';
import { EVENT_CODE_LIST } from '../event-codes';
import {
  DATETIME_FORMAT_MESSAGE,
  datetimeProblem,
  isCoordinate,
  isNonNegativeDecimal,
} from '../telemetry-point.rules';

function satisfies(
  test: (value: string) => boolean,
  message: string,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'telemetryRule',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property ${message}`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && test(value) },
    });
}

/**
 * One telemetry point, as the spec defines it. This class documents the contract (OpenAPI) and is
 * the reference the compiled hot-path validator is tested against; its datetime window is the
 * default one (DEVICE_TIME_MAX_FUTURE_SECONDS, DEVICE_TIME_MAX_AGE_DAYS), the validator's the
 * configured one.
 */
export class TelemetryPointDto {
  @ApiProperty({
    maxLength: DEVICE_ID_MAX_LENGTH,
    example: '352093081234567',
    description: 'Device IMEI identifier',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(DEVICE_ID_MAX_LENGTH)
  @Matches(PRINTABLE_TEXT, { message: `$property ${PRINTABLE_TEXT_MESSAGE}` })
  imei!: string;

  @ApiProperty({ enum: EVENT_CODE_LIST, example: '101', description: 'Event code' })
  @IsString()
  @MaxLength(20)
  @IsIn(EVENT_CODE_LIST)
  eventcode!: string;

  @ApiProperty({ description: 'Whether the GPS has a valid fix' })
  @IsBoolean()
  fix!: boolean;

  @ApiProperty({
    maxLength: 40,
    example: '2026-04-04T14:30:00',
    description:
      'Reading time, ISO 8601 without timezone (UTC), from 1970 on; by default at most 10 ' +
      "minutes ahead of the server's clock (the operator may set another window)",
  })
  @IsString()
  @MaxLength(40)
  @satisfies(
    (value) => datetimeProblem(value, Date.now(), DEFAULT_DEVICE_TIME_WINDOW) === undefined,
    DATETIME_FORMAT_MESSAGE,
  )
  datetime!: string;

  @ApiProperty({ maxLength: 25, example: '-34.6037', description: 'Decimal degrees, -90..90' })
  @IsString()
  @MaxLength(25)
  @satisfies((value) => isCoordinate(value, 90), 'must be a decimal number from -90 to 90')
  latitude!: string;

  @ApiProperty({ maxLength: 25, example: '-58.3816', description: 'Decimal degrees, -180..180' })
  @IsString()
  @MaxLength(25)
  @satisfies((value) => isCoordinate(value, 180), 'must be a decimal number from -180 to 180')
  longitude!: string;

  @ApiProperty({ example: 25, description: 'Altitude in meters' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  altitude!: number;

  @ApiProperty({ example: 45, minimum: 0, description: 'Speed in km/h' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  speed!: number;

  @ApiProperty({ example: 180, minimum: 0, maximum: 360, description: 'Heading in degrees' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(360)
  heading!: number;

  @ApiPropertyOptional({ example: 12, minimum: 0, maximum: 255 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(255)
  satellites?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  ignition?: boolean;

  @ApiPropertyOptional({ maxLength: 30, example: '3.5', description: 'GPS accuracy in meters' })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  @satisfies(isNonNegativeDecimal, 'must be a non-negative decimal number')
  accuracy?: string;

  @ApiPropertyOptional({ maxLength: 50, example: '125430', description: 'Odometer in km' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @satisfies(isNonNegativeDecimal, 'must be a non-negative decimal number')
  odometer?: string;

  @ApiPropertyOptional({ minimum: 0, description: 'Hour meter reading' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  horometer?: number;

  @ApiPropertyOptional({ maxLength: 500, description: 'Reverse-geocoded address' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(STORABLE_TEXT)
  address?: string;
}

export class TelemetryAcceptedDto {
  @ApiProperty({ example: 2 })
  accepted!: number;

  @ApiProperty({ example: 0, description: 'Always 0: a batch is accepted or rejected whole' })
  rejected!: number;

  @ApiProperty({ example: 'OK' })
  status!: 'OK';
}
