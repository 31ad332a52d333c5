import { ApiProperty } from '@nestjs/swagger';
import { IntegerParam, StringParam } from './form-params';
import { withQuery } from './resource-url';
import { TwilioError } from './twilio-error';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** The longest PageToken this server hands out is far shorter: anything longer is not one. */
const MAX_TOKEN_LENGTH = 512;

/** The paging parameters every list takes; a list with filters extends it. */
export class PageQuery {
  @IntegerParam({ min: 1, description: `1 to ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}` })
  PageSize?: number;

  @IntegerParam({ min: 0, description: 'The page number: client state, echoed in `meta.page`' })
  Page?: number;

  @StringParam({
    maxLength: MAX_TOKEN_LENGTH,
    description: 'Where the page starts: from `meta.next_page_url` or `meta.previous_page_url`',
  })
  PageToken?: string;
}

/** A position in a list: after the row whose sort key it holds (`PA`), or before it (`PB`). */
export interface PageToken {
  direction: 'after' | 'before';
  key: string[];
}

export interface PageRequest {
  size: number;
  number: number;
  token?: PageToken;
}

const TOKEN = /^P([AB])([A-Za-z0-9_-]+)$/;

/** An opaque token: `PA` / `PB` and the base64url JSON of the row's sort key. */
export function encodePageToken(token: PageToken): string {
  const tag = token.direction === 'after' ? 'A' : 'B';
  return `P${tag}${Buffer.from(JSON.stringify(token.key)).toString('base64url')}`;
}

/** The token's position, or a 21481 when it is not a token this server could have made. */
export function decodePageToken(text: string): PageToken {
  const match = TOKEN.exec(text);
  let key: unknown;
  try {
    key = match && JSON.parse(Buffer.from(match[2], 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!match || !Array.isArray(key) || !key.every((part) => typeof part === 'string')) {
    throw TwilioError.invalidPageToken();
  }
  return { direction: match[1] === 'A' ? 'after' : 'before', key };
}

/** The page a list's parameters ask for; 20007 for a PageSize over 1000, 21481 for a bad token. */
export function pageRequest(query: PageQuery): PageRequest {
  const size = query.PageSize ?? DEFAULT_PAGE_SIZE;
  if (size > MAX_PAGE_SIZE) throw TwilioError.pageSizeTooLarge(MAX_PAGE_SIZE);
  return {
    size,
    number: query.Page ?? 0,
    token: query.PageToken === undefined ? undefined : decodePageToken(query.PageToken),
  };
}

/** Rows of one page, in list order, with what lies beyond them. */
export interface Page<Row> {
  rows: Row[];
  /** The sort key of each row, as a token holds it. */
  keys: string[][];
  hasNext: boolean;
  hasPrevious: boolean;
}

/** The `meta` object of every Twilio list answer (a class, for the OpenAPI document). */
export class PageMeta {
  @ApiProperty({ format: 'uri' })
  first_page_url!: string;

  @ApiProperty({ description: 'The name of the array of items', example: 'rate_plans' })
  key!: string;

  @ApiProperty({
    format: 'uri',
    type: String,
    nullable: true,
    description: 'null on the last page',
  })
  next_page_url!: string | null;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  page_size!: number;

  @ApiProperty({
    format: 'uri',
    type: String,
    nullable: true,
    description: 'null on the first page',
  })
  previous_page_url!: string | null;

  @ApiProperty({ format: 'uri' })
  url!: string;
}

/**
 * The `meta` of a page: `listUrl` (absolute) with the list's filters first, in the spec's order
 * (absent ones left out), then `PageSize`, `Page` and, past the first page, `PageToken`. The next
 * page starts after this page's last row, the previous one ends before its first.
 */
export function pageMeta(
  key: string,
  listUrl: string,
  filters: readonly [string, string | undefined][],
  request: PageRequest,
  page: Page<unknown>,
): PageMeta {
  const url = (number: number, token?: PageToken) =>
    withQuery(listUrl, [
      ...filters,
      ['PageSize', String(request.size)],
      ['Page', String(number)],
      ['PageToken', token && encodePageToken(token)],
    ]);
  const first = page.keys[0];
  const last = page.keys[page.keys.length - 1];
  return {
    first_page_url: url(0),
    key,
    next_page_url:
      page.hasNext && last ? url(request.number + 1, { direction: 'after', key: last }) : null,
    page: request.number,
    page_size: request.size,
    previous_page_url:
      page.hasPrevious && first
        ? url(Math.max(request.number - 1, 0), { direction: 'before', key: first })
        : null,
    url: url(request.number, request.token),
  };
}
