import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DEVICE_KINDS, type DeviceKind } from '../entities/device.entity';
import { IntegerParam, IsStorableText, IsUtcTimestamp } from './query-params';

export const DEVICE_PAGE = { default: 100, max: 1000 } as const;

export class ListDevicesQueryDto {
  @ApiPropertyOptional({ description: 'Device id (IMEI or trackerId) prefix', example: '35209' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @IsStorableText()
  q?: string;

  @ApiPropertyOptional({ enum: DEVICE_KINDS })
  @IsOptional()
  @IsIn(DEVICE_KINDS)
  kind?: DeviceKind;

  @ApiPropertyOptional({
    description: 'Only devices heard from (any data received) at or after this time',
    example: '2026-04-04T00:00:00Z',
  })
  @IsOptional()
  @IsUtcTimestamp()
  seenSince?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: DEVICE_PAGE.max, default: DEVICE_PAGE.default })
  @IsOptional()
  @IntegerParam()
  @IsInt()
  @Min(1)
  @Max(DEVICE_PAGE.max)
  limit: number = DEVICE_PAGE.default;

  @ApiPropertyOptional({ description: '`meta.nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}
