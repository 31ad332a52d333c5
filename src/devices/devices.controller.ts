import { Controller, Get, Headers, Param, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiAuth, CurrentPrincipal } from '../auth/decorators';
import type { ApiPrincipal } from '../auth/principal';
import { ok, okJson, type ApiResponse } from '../common/http/envelope';
import { DevicesService } from './devices.service';
import { DeviceEventPageDto, type DeviceEventDto } from './dto/device-event.response';
import { DeviceEventsQueryDto } from './dto/device-events.query';
import { DeviceStreamQueryDto } from './dto/device-stream.query';
import { DevicePageDto, DeviceResponseDto, type DeviceDto } from './dto/device.response';
import { ListDevicesQueryDto } from './dto/list-devices.query';
import { PositionHistoryQueryDto } from './dto/position-history.query';
import { PositionPageDto } from './dto/position.response';
import { PositionExportService } from './exporters/position-export.service';
import { DeviceStreamService } from './live/device-stream.service';

const DEVICE_ID = ApiParam({
  name: 'deviceId',
  description: 'IMEI or trackerId',
  example: '352093081234567',
});

/**
 * The read side for dashboards. Answers use the `/apidev/v1` envelope; pages carry
 * `meta.nextCursor`. The plain per-tenant request limit applies (global guard).
 */
@ApiTags('devices')
@ApiAuth()
@ApiBadRequestResponse({ description: 'VALIDATION_ERROR: a query parameter or cursor is invalid' })
@Controller('apidev/v1/devices')
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly exports: PositionExportService,
    private readonly live: DeviceStreamService,
  ) {}

  @Get()
  @ApiOperation({
    summary: "List the tenant's devices",
    description:
      'With their latest position and last fixed position (by device time), when they were last ' +
      'heard from, and the latest status and sensors of Asset Trackers. Ordered by device id ' +
      '(byte order); keyset pages.',
  })
  @ApiOkResponse({ type: DevicePageDto })
  async list(
    @CurrentPrincipal() principal: ApiPrincipal,
    @Query() query: ListDevicesQueryDto,
  ): Promise<ApiResponse<DeviceDto[]>> {
    const page = await this.devices.listDevices(principal.tenantId, query);
    return ok(page.items, { count: page.items.length, nextCursor: page.nextCursor });
  }

  // Declared before `:deviceId`, which would otherwise take "stream" for a device id.
  @Get('stream')
  @ApiOperation({
    summary: 'Live stream of newly stored positions and events (Server-Sent Events)',
    description:
      'Each position stored for the tenant arrives as `event: position` with data ' +
      '`{"deviceId","kind","position":{…}}`, each event as `event: event` with ' +
      '`{"deviceId","kind","event":{…}}`, as soon as it is committed, from any process. ' +
      'A heartbeat comment every LIVE_HEARTBEAT_SECONDS (default 15) keeps it open. Reconnect with ' +
      '`Last-Event-ID` (browsers do) to receive what was missed, within the newest 10,000 ' +
      'messages of the tenant; if that window was exceeded an `event: gap` says so first. ' +
      'A tenant may hold LIVE_MAX_STREAMS_PER_TENANT streams open (default 50), a server ' +
      'LIVE_MAX_STREAMS (default 1000).',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this id' })
  @ApiOkResponse({ description: 'An endless text/event-stream' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: `deviceId` is not a device of this tenant' })
  @ApiTooManyRequestsResponse({
    description: 'RATE_LIMITED: the tenant has as many streams open as it may (Retry-After)',
  })
  @ApiServiceUnavailableResponse({
    description:
      'SERVICE_UNAVAILABLE: the server has as many streams open as it allows (Retry-After)',
  })
  stream(
    @CurrentPrincipal() principal: ApiPrincipal,
    @Query() query: DeviceStreamQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    return this.live.stream(
      { tenantId: principal.tenantId, deviceId: query.deviceId, lastEventId },
      response,
    );
  }

  @Get(':deviceId')
  @ApiOperation({ summary: 'One device, by IMEI or trackerId' })
  @DEVICE_ID
  @ApiOkResponse({ type: DeviceResponseDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such device in this tenant' })
  async get(
    @CurrentPrincipal() principal: ApiPrincipal,
    @Param('deviceId') deviceId: string,
  ): Promise<ApiResponse<DeviceDto>> {
    return ok(await this.devices.getDevice(principal.tenantId, deviceId));
  }

  @Get(':deviceId/positions')
  @ApiOperation({
    summary: "A device's position history, by device time",
    description:
      '`format=json` (default): a keyset page in the envelope (`limit` default 1000, max 10000). ' +
      '`geojson` (a FeatureCollection: the track of fixed positions as a LineString, then every ' +
      'position as a Point), `csv` and `gpx`: a file of the whole window, streamed. Positions ' +
      'without a GPS fix are included, `fix: false` (in GPX `<fix>none</fix>`), unless `fixOnly`. ' +
      'A tenant runs at most EXPORT_MAX_PER_TENANT files at once (default 2), a server ' +
      'EXPORT_MAX_CONCURRENT (default 4); a client that takes nothing of the file for ' +
      'EXPORT_IDLE_TIMEOUT_SECONDS (default 30) is cut. CSV text cells that a spreadsheet would ' +
      "run as a formula (starting with =, +, -, @, tab or CR) start with a ' (OWASP).",
  })
  @DEVICE_ID
  @ApiProduces('application/json', 'application/geo+json', 'text/csv', 'application/gpx+xml')
  @ApiOkResponse({ type: PositionPageDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such device in this tenant' })
  @ApiTooManyRequestsResponse({
    description: 'RATE_LIMITED: the tenant runs as many exports as it may (Retry-After)',
  })
  @ApiServiceUnavailableResponse({
    description: 'SERVICE_UNAVAILABLE: the server runs as many exports as it allows (Retry-After)',
  })
  async positions(
    @CurrentPrincipal() principal: ApiPrincipal,
    @Param('deviceId') deviceId: string,
    @Query() query: PositionHistoryQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string | StreamableFile> {
    if (query.format !== 'json') {
      return this.exports.export(principal.tenantId, deviceId, query, query.format);
    }
    const page = await this.devices.positionPage(principal.tenantId, deviceId, query);
    // The items are JSON text already (PositionDto each): the envelope is written around them.
    response.type('application/json');
    return okJson(page.items, { count: page.items.length, nextCursor: page.nextCursor });
  }

  @Get(':deviceId/events')
  @ApiOperation({
    summary: "A device's alerts and non-position events, by device time",
    description: 'Keyset pages (`limit` default 1000, max 10000); filter by `type` and `code`.',
  })
  @DEVICE_ID
  @ApiOkResponse({ type: DeviceEventPageDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such device in this tenant' })
  async events(
    @CurrentPrincipal() principal: ApiPrincipal,
    @Param('deviceId') deviceId: string,
    @Query() query: DeviceEventsQueryDto,
  ): Promise<ApiResponse<DeviceEventDto[]>> {
    const page = await this.devices.eventPage(principal.tenantId, deviceId, query);
    return ok(page.items, { count: page.items.length, nextCursor: page.nextCursor });
  }
}
