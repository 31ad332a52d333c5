import {
  decodePageToken,
  encodePageToken,
  pageMeta,
  pageRequest,
  type Page,
  type PageRequest,
} from './paging';
import { TwilioError } from './twilio-error';

const LIST = 'https://fleet.example/wireless/v1/Sims';
const KEY_A = ['2026-01-01T00:00:00.000001Z', 'DE00000000000000000000000000000001'];
const KEY_B = ['2026-01-01T00:00:00.000002Z', 'DE00000000000000000000000000000002'];

function thrown(run: () => unknown): TwilioError {
  try {
    run();
  } catch (error) {
    if (error instanceof TwilioError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe('page tokens', () => {
  it('are opaque URL-safe text that gives back the position they hold', () => {
    for (const direction of ['after', 'before'] as const) {
      const token = encodePageToken({ direction, key: KEY_A });
      expect(token).toMatch(direction === 'after' ? /^PA[A-Za-z0-9_-]+$/ : /^PB[A-Za-z0-9_-]+$/);
      expect(decodePageToken(token)).toEqual({ direction, key: KEY_A });
    }
  });

  it.each([
    'PA',
    'PC' + Buffer.from('["a"]').toString('base64url'),
    'PA' + Buffer.from('{"a":1}').toString('base64url'),
    'PA' + Buffer.from('[1,2]').toString('base64url'),
    'PA' + Buffer.from('[').toString('base64url'),
    'PA%%%',
    'DE00000000000000000000000000000001',
  ])('refuse %j with 21481', (token) => {
    expect(thrown(() => decodePageToken(token)).body).toEqual({
      code: 21481,
      message: 'Invalid PageToken',
      more_info: 'https://www.twilio.com/docs/errors/21481',
      status: 400,
    });
  });
});

describe('pageRequest', () => {
  it('defaults to the first page of 50', () => {
    expect(pageRequest({})).toEqual({ size: 50, number: 0, token: undefined });
  });

  it('takes up to 1000 a page, and refuses more with 20007', () => {
    expect(pageRequest({ PageSize: 1000 }).size).toBe(1000);
    const error = thrown(() => pageRequest({ PageSize: 1001 }));
    expect([error.status, error.code]).toEqual([400, 20007]);
  });

  it('decodes the token', () => {
    const PageToken = encodePageToken({ direction: 'before', key: KEY_B });
    expect(pageRequest({ PageSize: 2, Page: 3, PageToken })).toEqual({
      size: 2,
      number: 3,
      token: { direction: 'before', key: KEY_B },
    });
  });
});

describe('pageMeta', () => {
  const page = (overrides: Partial<Page<unknown>>): Page<unknown> => ({
    rows: [1, 2],
    keys: [KEY_A, KEY_B],
    hasNext: false,
    hasPrevious: false,
    ...overrides,
  });
  const first: PageRequest = { size: 2, number: 0 };
  const filters: [string, string | undefined][] = [
    ['Status', 'ready'],
    ['Iccid', undefined],
    ['Start', '2015-07-30T20:00:00Z'],
  ];

  it('lists the filters present in their order, then PageSize and Page, values encoded', () => {
    const base = `${LIST}?Status=ready&Start=2015-07-30T20%3A00%3A00Z&PageSize=2&Page=0`;
    expect(pageMeta('sims', LIST, filters, first, page({}))).toEqual({
      first_page_url: base,
      key: 'sims',
      next_page_url: null,
      page: 0,
      page_size: 2,
      previous_page_url: null,
      url: base,
    });
  });

  it('leads on after the last row and back before the first, numbering the pages', () => {
    const token = { direction: 'after' as const, key: ['x'] };
    const meta = pageMeta(
      'sims',
      LIST,
      [],
      { size: 2, number: 4, token },
      page({ hasNext: true, hasPrevious: true }),
    );
    expect(meta).toMatchObject({
      first_page_url: `${LIST}?PageSize=2&Page=0`,
      page: 4,
      url: `${LIST}?PageSize=2&Page=4&PageToken=${encodePageToken(token)}`,
      next_page_url: `${LIST}?PageSize=2&Page=5&PageToken=${encodePageToken({ direction: 'after', key: KEY_B })}`,
      previous_page_url: `${LIST}?PageSize=2&Page=3&PageToken=${encodePageToken({ direction: 'before', key: KEY_A })}`,
    });
  });

  it('has no next or previous page for an empty page', () => {
    const meta = pageMeta(
      'sims',
      LIST,
      [],
      first,
      page({ rows: [], keys: [], hasNext: true, hasPrevious: true }),
    );
    expect([meta.next_page_url, meta.previous_page_url]).toEqual([null, null]);
  });
});
