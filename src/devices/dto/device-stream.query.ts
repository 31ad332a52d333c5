import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsStorableText } from './query-params';

export class DeviceStreamQueryDto {
  @ApiPropertyOptional({ description: 'Only this device (IMEI or trackerId)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @IsStorableText()
  deviceId?: string;
}
