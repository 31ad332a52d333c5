import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { BooleanParam, IntegerParam, IsUtcTimestamp, TextListParam } from './query-params';

export const POSITION_FORMATS = ['json', 'geojson', 'csv', 'gpx'] as const;
export type PositionFormat = (typeof POSITION_FORMATS)[number];

export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const HISTORY_PAGE = { default: 1000, max: 10000 } as const;

/** A time window of device time, in either order, paged by keyset: what history listings share. */
export class TimeWindowQueryDto {
  @ApiPropertyOptional({
    description: 'From this device time, inclusive (ISO 8601; no zone means UTC)',
    example: '2026-04-04T00:00:00Z',
  })
  @IsOptional()
  @IsUtcTimestamp()
  from?: string;

  @ApiPropertyOptional({
    description: 'Up to this device time, exclusive (ISO 8601; no zone means UTC)',
    example: '2026-04-05T00:00:00Z',
  })
  @IsOptional()
  @IsUtcTimestamp()
  to?: string;

  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'asc', description: 'By device time' })
  @IsOptional()
  @IsIn(SORT_ORDERS)
  order: SortOrder = 'asc';

  @ApiPropertyOptional({ minimum: 1, maximum: HISTORY_PAGE.max, default: HISTORY_PAGE.default })
  @IsOptional()
  @IntegerParam()
  @IsInt()
  @Min(1)
  @Max(HISTORY_PAGE.max)
  limit?: number;

  @ApiPropertyOptional({ description: '`meta.nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export class PositionHistoryQueryDto extends TimeWindowQueryDto {
  @ApiPropertyOptional({
    description: 'Only these event codes (comma-separated)',
    example: '101,117',
    type: String,
  })
  @TextListParam(20)
  eventcode?: string[];

  @ApiPropertyOptional({ description: 'Only positions with a GPS fix', default: false })
  @IsOptional()
  @BooleanParam()
  @IsBoolean()
  fixOnly?: boolean;

  @ApiPropertyOptional({
    enum: POSITION_FORMATS,
    default: 'json',
    description:
      '`json`: one page in the envelope. `geojson`, `csv`, `gpx`: a file of the whole window, ' +
      'streamed (no `limit` or `cursor`)',
  })
  @IsOptional()
  @IsIn(POSITION_FORMATS)
  format: PositionFormat = 'json';
}
