import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/errors/api-error';
import {
  deviceIdQuery,
  deviceListQuery,
  deviceQuery,
  eventsQuery,
  positionPageQuery,
  type DeviceEventRow,
  type DeviceRow,
  type HistoryWindow,
  type PositionFilter,
  type PositionJsonRow,
  type SqlQuery,
} from './device-reads.sql';
import { positionJson, toDeviceDto, toDeviceEventDto } from './devices.mapper';
import type { DeviceEventDto } from './dto/device-event.response';
import type { DeviceEventsQueryDto } from './dto/device-events.query';
import type { DeviceDto } from './dto/device.response';
import type { ListDevicesQueryDto } from './dto/list-devices.query';
import {
  HISTORY_PAGE,
  type PositionHistoryQueryDto,
  type TimeWindowQueryDto,
} from './dto/position-history.query';
import { toUtcTimestamp } from './dto/query-params';
import { isoFromMicros } from './iso-from-micros';
import { decodeCursor, encodeCursor } from './keyset-cursor';

export interface Page<T> {
  items: T[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/** What a history cursor holds: a time as `isoFromMicros` writes it, and the row's tiebreaker. */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:\d{3})?Z$/;
const validHistoryKey = (maxLength: number) => (key: string[]) =>
  CURSOR_TIME.test(key[0]) &&
  toUtcTimestamp(key[0]) !== undefined &&
  key[1].length > 0 &&
  key[1].length <= maxLength &&
  !key[1].includes('\0');

function notFound(deviceId: string): ApiError {
  return new ApiError('NOT_FOUND', `No device '${deviceId}' in this tenant`);
}

/** Device ids longer than the column or holding NUL cannot exist; PostgreSQL would refuse NUL. */
const possibleDeviceId = (deviceId: string) => deviceId.length <= 64 && !deviceId.includes('\0');

/**
 * The read side for dashboards: devices with their latest state, and their history of positions
 * and events, in keyset pages. Every query is scoped to the caller's tenant; another tenant's
 * device is indistinguishable from one that does not exist.
 */
@Injectable()
export class DevicesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async listDevices(tenantId: string, query: ListDevicesQueryDto): Promise<Page<DeviceDto>> {
    const after =
      query.cursor === undefined
        ? undefined
        : decodeCursor('devices', query.cursor, 1, ([id]) => possibleDeviceId(id))[0];
    const rows = await this.run<DeviceRow>(
      deviceListQuery(
        tenantId,
        { prefix: query.q, kind: query.kind, seenSince: query.seenSince, after },
        query.limit,
      ),
    );
    return page(rows, query.limit, toDeviceDto, (row) =>
      encodeCursor('devices', [row.external_id]),
    );
  }

  async getDevice(tenantId: string, deviceId: string): Promise<DeviceDto> {
    const [row] = possibleDeviceId(deviceId)
      ? await this.run<DeviceRow>(deviceQuery(tenantId, deviceId))
      : [];
    if (!row) throw notFound(deviceId);
    return toDeviceDto(row);
  }

  /** The row id of the tenant's device, or NOT_FOUND (also for another tenant's device). */
  async deviceRowId(tenantId: string, deviceId: string): Promise<string> {
    const [row] = possibleDeviceId(deviceId)
      ? await this.run<{ id: string }>(deviceIdQuery(tenantId, deviceId))
      : [];
    if (!row) throw notFound(deviceId);
    return row.id;
  }

  /** A page of positions, each item already JSON text (PositionDto): see `positionPageQuery`. */
  async positionPage(
    tenantId: string,
    deviceId: string,
    query: PositionHistoryQueryDto,
  ): Promise<Page<string>> {
    const filter = positionFilter(query);
    const limit = query.limit ?? HISTORY_PAGE.default;
    const rowId = await this.deviceRowId(tenantId, deviceId);
    const rows = await this.run<PositionJsonRow>(positionPageQuery(rowId, filter, limit));
    return page(rows, limit, positionJson, (row) =>
      encodeCursor('positions', [isoFromMicros(row.recorded_us), row.eventcode]),
    );
  }

  async eventPage(
    tenantId: string,
    deviceId: string,
    query: DeviceEventsQueryDto,
  ): Promise<Page<DeviceEventDto>> {
    const filter = { ...historyWindow(query, 'events', 40), types: query.type, codes: query.code };
    const limit = query.limit ?? HISTORY_PAGE.default;
    const rowId = await this.deviceRowId(tenantId, deviceId);
    const rows = await this.run<DeviceEventRow>(eventsQuery(rowId, filter, limit));
    return page(rows, limit, toDeviceEventDto, (row) =>
      encodeCursor('events', [isoFromMicros(row.occurred_us), row.type]),
    );
  }

  private run<T>(query: SqlQuery): Promise<T[]> {
    return this.dataSource.query<T[]>(query.text, query.values);
  }
}

/** The filter of a positions query (JSON pages and exports alike). */
export function positionFilter(query: PositionHistoryQueryDto): PositionFilter {
  return {
    ...historyWindow(query, 'positions', 20),
    eventcodes: query.eventcode,
    fixOnly: query.fixOnly,
  };
}

function historyWindow(
  query: TimeWindowQueryDto,
  kind: 'positions' | 'events',
  keyLength: number,
): HistoryWindow {
  if (
    query.from !== undefined &&
    query.to !== undefined &&
    Date.parse(query.from) > Date.parse(query.to)
  ) {
    throw new ApiError('VALIDATION_ERROR', 'The request is invalid', [
      { field: 'to', message: 'to must not be before from' },
    ]);
  }
  const after =
    query.cursor === undefined
      ? undefined
      : (decodeCursor(kind, query.cursor, 2, validHistoryKey(keyLength)) as [string, string]);
  return { from: query.from, to: query.to, order: query.order, after };
}

/** `limit` items, and a cursor after the last of them if the query found one row more. */
function page<Row, Item>(
  rows: Row[],
  limit: number,
  view: (row: Row) => Item,
  cursorOf: (row: Row) => string,
): Page<Item> {
  const shown = rows.slice(0, limit);
  return {
    items: shown.map(view),
    nextCursor: rows.length > limit ? cursorOf(shown[shown.length - 1]) : null,
  };
}
