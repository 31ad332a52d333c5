import { StreamableFile } from '@nestjs/common';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import type { ApiErrorBody, ValidationIssue } from '../../src/common/errors/api-error';
import { DevicesController } from '../../src/devices/devices.controller';
import { DevicesService } from '../../src/devices/devices.service';
import { PositionExportService } from '../../src/devices/exporters/position-export.service';
import { DeviceStreamService } from '../../src/devices/live/device-stream.service';
import { UNAUTHORIZED, errorEnvelope, missingHeaders } from '../utils/api-envelope';
import { API_HEADERS, STUB_PRINCIPAL, createContractApp, type ContractApp } from './contract-app';

const BASE = '/apidev/v1/devices';
const IMEI = '352093081234567';

const cursor = (...key: string[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

/** Asserts a 400 VALIDATION_ERROR naming `field` among its details. */
function expectInvalid(response: Response, field: string): void {
  const error = (response.body as ApiErrorBody).error;
  expect({ status: response.status, code: error.code }).toEqual({
    status: 400,
    code: 'VALIDATION_ERROR',
  });
  expect((error.details as ValidationIssue[]).map((issue) => issue.field)).toContain(field);
}

/**
 * The real DevicesService checks what the DTOs cannot (cursors, time windows) before it asks
 * PostgreSQL anything; its DataSource is the mock.
 */
describe('Devices read API (contract)', () => {
  let app: ContractApp;
  let database: jest.Mocked<DataSource>;
  let exports: jest.Mocked<PositionExportService>;

  beforeAll(async () => {
    app = await createContractApp(DevicesController, {
      providers: [DevicesService],
      mocks: [DataSource, PositionExportService, DeviceStreamService],
    });
    database = app.mock(DataSource);
    exports = app.mock(PositionExportService);
  });
  afterAll(() => app.close());
  beforeEach(() => app.resetMocks());

  const get = (path: string, query: Record<string, string> = {}) =>
    app.http.get(`${BASE}${path}`).query(query).set(API_HEADERS);

  describe('the dual credentials', () => {
    it('400 BAD_REQUEST naming the missing headers', async () => {
      const response = await app.http.get(BASE);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: missingHeaders('Authorization', 'X-API-Key', 'tenant'),
      });
    });

    it('401 UNAUTHORIZED for a token that is not one', async () => {
      const response = await app.http
        .get(BASE)
        .set({ ...API_HEADERS, Authorization: 'Bearer nope' });
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 401,
        body: UNAUTHORIZED,
      });
      expect(database.query).not.toHaveBeenCalled();
    });
  });

  describe('GET /devices', () => {
    it("asks for the caller's tenant with the parsed parameters, then answers a page", async () => {
      database.query.mockResolvedValue([]);
      const response = await get('', { kind: 'asset-tracker', limit: '7' });
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 200,
        body: { success: true, data: [], meta: { count: 0, nextCursor: null } },
      });
      // One row more than the page: whether there is a next one.
      expect(database.query).toHaveBeenCalledWith(expect.any(String), [
        STUB_PRINCIPAL.tenantId,
        'asset-tracker',
        8,
      ]);
    });

    it('refuses bad parameters and cursors with VALIDATION_ERROR, asking nothing', async () => {
      expectInvalid(await get('', { limit: '0' }), 'limit');
      expectInvalid(await get('', { limit: '1001' }), 'limit');
      expectInvalid(await get('', { limit: 'ten' }), 'limit');
      expectInvalid(await get('', { kind: 'car' }), 'kind');
      expectInvalid(await get('', { seenSince: 'yesterday' }), 'seenSince');
      expectInvalid(await get('', { seenSince: '2026-02-30' }), 'seenSince');
      expectInvalid(await get('', { q: 'a\u0000b' }), 'q');
      expectInvalid(await get('', { cursor: 'not-a-cursor' }), 'cursor');
      const unknown = await get('', { colour: 'red' });
      expect({ status: unknown.status, body: unknown.body as unknown }).toEqual({
        status: 400,
        body: errorEnvelope('VALIDATION_ERROR', 'The request is invalid', [
          { field: 'colour', message: 'property colour should not exist' },
        ]),
      });
      expect(database.query).not.toHaveBeenCalled();
    });

    it('names the limit and its bounds', async () => {
      const response = await get('', { limit: '1001' });
      expect(response.body).toEqual(
        errorEnvelope('VALIDATION_ERROR', 'The request is invalid', [
          { field: 'limit', message: 'limit must not be greater than 1000' },
        ]),
      );
    });
  });

  describe('GET /devices/:deviceId', () => {
    it('404 NOT_FOUND when the tenant has no such device', async () => {
      database.query.mockResolvedValue([]);
      const response = await get(`/${IMEI}`);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 404,
        body: errorEnvelope('NOT_FOUND', `No device '${IMEI}' in this tenant`),
      });
      expect(database.query).toHaveBeenCalledWith(expect.any(String), [
        STUB_PRINCIPAL.tenantId,
        IMEI,
      ]);
    });
  });

  describe('GET /devices/:deviceId/positions', () => {
    const path = `/${IMEI}/positions`;

    it('refuses bad parameters, time windows and cursors with VALIDATION_ERROR, asking nothing', async () => {
      expectInvalid(await get(path, { limit: '10001' }), 'limit');
      expectInvalid(await get(path, { order: 'up' }), 'order');
      expectInvalid(await get(path, { format: 'kml' }), 'format');
      expectInvalid(await get(path, { fixOnly: 'yes' }), 'fixOnly');
      expectInvalid(await get(path, { from: '2026-04-04T25:00:00Z' }), 'from');
      expectInvalid(await get(path, { from: '2026-04-05', to: '2026-04-04' }), 'to');
      expectInvalid(await get(path, { cursor: 'eyJ4IjoxfQ' }), 'cursor');
      expectInvalid(await get(path, { cursor: cursor('devices', IMEI) }), 'cursor');
      expectInvalid(await get(path, { cursor: cursor('positions', 'soon', '101') }), 'cursor');
      expectInvalid(
        await get(path, { cursor: cursor('positions', '2026-13-45T10:00:00.000Z', '101') }),
        'cursor',
      );
      expect(database.query).not.toHaveBeenCalled();
    });

    it('says why a time window or a cursor is refused', async () => {
      expect((await get(path, { from: '2026-04-05', to: '2026-04-04' })).body).toEqual(
        errorEnvelope('VALIDATION_ERROR', 'The request is invalid', [
          { field: 'to', message: 'to must not be before from' },
        ]),
      );
      expect((await get(path, { cursor: cursor('devices', IMEI) })).body).toEqual(
        errorEnvelope('VALIDATION_ERROR', 'The request is invalid', [
          { field: 'cursor', message: 'cursor is not a cursor of this positions listing' },
        ]),
      );
    });

    it('404 NOT_FOUND when the tenant has no such device', async () => {
      database.query.mockResolvedValue([]);
      const response = await get(path);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 404,
        body: errorEnvelope('NOT_FOUND', `No device '${IMEI}' in this tenant`),
      });
    });

    it('hands a file format to the exporter with the parsed parameters', async () => {
      exports.export.mockResolvedValue(
        new StreamableFile(Buffer.from('recordedAt\n'), { type: 'text/csv' }),
      );
      const response = await get(path, {
        format: 'csv',
        from: '2026-04-04',
        eventcode: '101, 117',
        fixOnly: 'true',
      });
      expect({ status: response.status, text: response.text }).toEqual({
        status: 200,
        text: 'recordedAt\n',
      });
      expect(exports.export).toHaveBeenCalledWith(
        STUB_PRINCIPAL.tenantId,
        IMEI,
        expect.objectContaining({
          format: 'csv',
          from: '2026-04-04T00:00:00Z',
          eventcode: ['101', '117'],
          fixOnly: true,
          order: 'asc',
        }),
        'csv',
      );
    });
  });
});
