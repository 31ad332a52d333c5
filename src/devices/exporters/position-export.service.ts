import { Inject, Injectable, Logger, StreamableFile } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { PoolClient } from 'pg';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { onConsumerStall } from '../../common/consumer-stall';
import { ApiError } from '../../common/errors/api-error';
import { sendApiError } from '../../common/errors/api-exception.filter';
import { TenantSlots } from '../../common/tenant-slots';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import {
  EXPORT_CURSOR,
  EXPORT_TRANSACTION,
  exportCursorQuery,
  positionsQuery,
  type PositionFilter,
  type SqlQuery,
} from '../device-reads.sql';
import { toPositionDto } from '../devices.mapper';
import { DevicesService, positionFilter } from '../devices.service';
import type { PositionFormat, PositionHistoryQueryDto } from '../dto/position-history.query';
import type { PositionDto } from '../dto/position.response';
import type { PositionRow } from '../position-columns';
import { CSV_FORMAT } from './csv.format';
import { GEOJSON_FORMAT } from './geojson.format';
import { GPX_FORMAT } from './gpx.format';
import type { PositionExportFormat } from './position-export-format';

export const EXPORT_FORMATS: Record<Exclude<PositionFormat, 'json'>, PositionExportFormat> = {
  csv: CSV_FORMAT,
  geojson: GEOJSON_FORMAT,
  gpx: GPX_FORMAT,
};

/** Rows fetched per round trip: large enough to keep PostgreSQL busy, small enough to stay flat. */
const BATCH_ROWS = 1000;

/** A refused export's Retry-After: a month of one device takes a few seconds to export. */
const RETRY_AFTER_SECONDS = 5;

/** Why an export was cut: its client stopped taking the file. */
class ClientStalledError extends Error {
  constructor(idleMs: number) {
    super(`The client took nothing of the file for ${idleMs / 1000} s`);
    this.name = 'ClientStalledError';
  }
}

const fileName = (deviceId: string, extension: string) =>
  `${deviceId.replace(/[^A-Za-z0-9._-]/g, '_')}-positions.${extension}`;

/**
 * Streams a device's positions as a file. Rows come through a server-side cursor
 * (`exportCursorQuery`) a batch at a time and leave formatted, with backpressure from the client's
 * socket, so memory stays flat whatever the window. Passes over the rows share one REPEATABLE
 * READ snapshot (GeoJSON reads twice: the track, then the points), so a file never mixes two
 * states of the history.
 *
 * A running export holds a pool connection for as long as its client takes to read the file, so
 * the exports of a process, and of a tenant in it, are capped (EXPORT_MAX_CONCURRENT,
 * EXPORT_MAX_PER_TENANT), below the pool's size: whatever exports do, the other requests and the
 * workers' writes keep connections. A client that stops reading is cut after
 * EXPORT_IDLE_TIMEOUT_SECONDS, which gives its connection and its slot back.
 */
@Injectable()
export class PositionExportService {
  private readonly logger = new Logger(PositionExportService.name);
  private readonly slots: TenantSlots;
  private readonly idleTimeoutMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queries: DevicesService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.slots = new TenantSlots('position exports', config.exports, RETRY_AFTER_SECONDS);
    this.idleTimeoutMs = config.exports.idleTimeoutMs;
  }

  async export(
    tenantId: string,
    deviceId: string,
    query: PositionHistoryQueryDto,
    formatName: keyof typeof EXPORT_FORMATS,
  ): Promise<StreamableFile> {
    const paging = (['limit', 'cursor'] as const).filter((field) => query[field] !== undefined);
    if (paging.length > 0) {
      throw new ApiError(
        'VALIDATION_ERROR',
        'The request is invalid',
        paging.map((field) => ({
          field,
          message: `${field} pages the json format; a ${formatName} export streams the whole window (narrow it with from and to)`,
        })),
      );
    }
    const filter = positionFilter(query);
    // Taken before any connection (the device lookup's too): a refused export costs the pool nothing.
    const release = this.slots.take(tenantId);
    try {
      const rowId = await this.queries.deviceRowId(tenantId, deviceId);
      const format = EXPORT_FORMATS[formatName];
      const document = onConsumerStall(
        this.document(rowId, deviceId, filter, format),
        this.idleTimeoutMs,
        () => body.destroy(new ClientStalledError(this.idleTimeoutMs)),
      );
      const body: Readable = Readable.from(document, { objectMode: false });
      // A stream closes once its document has given the connection back, however it ended: done,
      // failed, cut, or destroyed when the client went (then perhaps never started).
      body.once('close', release);
      return new StreamableFile(body, {
        type: format.contentType,
        disposition: `attachment; filename="${fileName(deviceId, format.extension)}"`,
      }).setErrorHandler((error, response) => this.failed(error, response as Response));
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Before the first byte, a failure still gets the error envelope; after it, the connection is
   * cut, so that a truncated file cannot pass for a complete one.
   */
  private failed(error: Error, response: Response): void {
    if (!response.headersSent) {
      sendApiError(error, response.req, response);
      return;
    }
    if (error instanceof ClientStalledError) {
      this.logger.warn(`Position export cut: ${error.message}`);
    } else {
      this.logger.error({ err: error }, 'Position export failed after it started; connection cut');
    }
    response.destroy();
  }

  private async *document(
    rowId: string,
    deviceId: string,
    filter: PositionFilter,
    format: PositionExportFormat,
  ): AsyncIterable<string> {
    const runner = this.dataSource.createQueryRunner();
    let client: PoolClient | undefined;
    let inTransaction = false;
    try {
      client = (await runner.connect()) as PoolClient;
      await client.query(EXPORT_TRANSACTION);
      inTransaction = true;
      const connection = client;
      yield* format.render(deviceId, (options) =>
        this.batches(
          connection,
          positionsQuery(rowId, { ...filter, fixOnly: filter.fixOnly || options?.fixOnly }),
        ),
      );
      await client.query('COMMIT');
      inTransaction = false;
    } finally {
      // Also reached when the client goes away mid-file: the cursor is closed by then.
      if (inTransaction) await client?.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    }
  }

  /** One pass: a cursor over `query`, closed once read (or abandoned). */
  private async *batches(client: PoolClient, query: SqlQuery): AsyncIterable<PositionDto[]> {
    const cursor = exportCursorQuery(query);
    await client.query(cursor.text, cursor.values);
    try {
      for (;;) {
        const { rows } = await client.query<PositionRow>(
          `FETCH ${BATCH_ROWS} FROM ${EXPORT_CURSOR}`,
        );
        if (rows.length === 0) return;
        yield rows.map(toPositionDto);
      }
    } finally {
      await client.query(`CLOSE ${EXPORT_CURSOR}`).catch(() => undefined);
    }
  }
}
