import { ApiPropertyOptional } from '@nestjs/swagger';
import { TimeWindowQueryDto } from './position-history.query';
import { TextListParam } from './query-params';

export class DeviceEventsQueryDto extends TimeWindowQueryDto {
  @ApiPropertyOptional({
    description: 'Only these event types (comma-separated)',
    example: 'BATTERY_LOW,EXCESO_VELOCIDAD',
    type: String,
  })
  @TextListParam(40)
  type?: string[];

  @ApiPropertyOptional({
    description: 'Only these telemetry event codes (comma-separated)',
    example: '116,117',
    type: String,
  })
  @TextListParam(20)
  code?: string[];
}
