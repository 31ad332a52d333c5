import type { Response } from 'supertest';
import type { Fleet } from '../factories/tenant.factory';
import type { TestApp } from './test-app';

export const DEVICES_BASE = '/apidev/v1/devices';

/** A success answer of the devices API. */
export interface Envelope<T> {
  success: true;
  data: T;
  meta: { count?: number; nextCursor?: string | null };
}
export type Item = Record<string, unknown>;

/** GETs of the devices API (`path` below DEVICES_BASE) with a fleet's headers. */
export function devicesApi(testApp: TestApp) {
  const get = (fleet: Fleet, path: string, query: Record<string, string> = {}) =>
    testApp.http.get(`${DEVICES_BASE}${path}`).query(query).set(fleet.headers);

  /** Every page of a listing, following `meta.nextCursor`; each page's count is its length. */
  const allPages = async (
    fleet: Fleet,
    path: string,
    query: Record<string, string>,
  ): Promise<{ items: Item[]; pages: number }> => {
    const items: Item[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const response = await get(fleet, path, { ...query, ...(cursor ? { cursor } : {}) }).expect(
        200,
      );
      const body = response.body as Envelope<Item[]>;
      expect(body.meta.count).toBe(body.data.length);
      items.push(...body.data);
      cursor = body.meta.nextCursor;
      pages++;
    } while (cursor);
    return { items, pages };
  };

  return { get, allPages };
}

export type DevicesApi = ReturnType<typeof devicesApi>;

/** Asserts a 400 VALIDATION_ERROR whose details name `field`. */
export function expectValidationError(response: Response, field: string): void {
  const body = response.body as { error: { code: string; details?: { field?: string }[] } };
  expect(response.status).toBe(400);
  expect(body.error.code).toBe('VALIDATION_ERROR');
  expect(body.error.details?.map((detail) => detail.field)).toContain(field);
}
