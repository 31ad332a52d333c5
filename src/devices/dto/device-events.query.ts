import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsOptional, IsString, MaxLength } from 'class-validator';
import { TimeWindowQueryDto } from './position-history.query';
import { CommaListParam, IsStorableText } from './query-params';

export class DeviceEventsQueryDto extends TimeWindowQueryDto {
  @ApiPropertyOptional({
    description: 'Only these event types (comma-separated)',
    example: 'BATTERY_LOW,EXCESO_VELOCIDAD',
    type: String,
  })
  @IsOptional()
  @CommaListParam()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  @IsStorableText({ each: true })
  type?: string[];

  @ApiPropertyOptional({
    description: 'Only these telemetry event codes (comma-separated)',
    example: '116,117',
    type: String,
  })
  @IsOptional()
  @CommaListParam()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  @IsStorableText({ each: true })
  code?: string[];
}
