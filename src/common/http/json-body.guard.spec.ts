import type { ExecutionContext } from '@nestjs/common';
import bodyParser from 'body-parser';
import type { Request, Response } from 'express';
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import type { AppConfig } from '../../config/app-config';
import { ApiError } from '../errors/api-error';
import { JsonBodyGuard, type RequestWithJsonBody } from './json-body.guard';

const config = { http: { bodyLimitBytes: 1024, bodyTimeoutMs: 5_000 } } as AppConfig;

const requestOf = (bytes: Buffer) =>
  Object.assign(Readable.from([bytes]), {
    headers: { 'content-type': 'application/json', 'content-length': String(bytes.length) },
  }) as unknown as RequestWithJsonBody;

const contextOf = (request: RequestWithJsonBody) =>
  ({
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  }) as unknown as ExecutionContext;

type Outcome = { body: unknown } | { error: string };

/** What the guard made of the bytes (the parsed body, or the error's code and message), and its request. */
async function guardRead(
  bytes: Buffer,
): Promise<{ outcome: Outcome; request: RequestWithJsonBody }> {
  const request = requestOf(bytes);
  try {
    await new JsonBodyGuard(config).canActivate(contextOf(request));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { outcome: { error: `${error.code}: ${error.message}` }, request };
  }
  return { outcome: { body: request.body as unknown }, request };
}

/**
 * The answer the guard gave when it read bodies with body-parser's strict `json()`: a parse
 * failure was VALIDATION_ERROR, and bytes that parsed were then refused when not UTF-8.
 */
function jsonParserOutcome(bytes: Buffer): Promise<Outcome> {
  const request = requestOf(bytes) as unknown as Request;
  return new Promise((resolve) =>
    bodyParser.json({ type: () => true })(request, {} as Response, (error?: unknown) => {
      if (error !== undefined) {
        expect((error as { type?: unknown }).type).toBe('entity.parse.failed');
        resolve({ error: 'VALIDATION_ERROR: The request body is not valid JSON' });
      } else if (!isUtf8(bytes)) {
        resolve({ error: 'BAD_REQUEST: The request body is not valid UTF-8' });
      } else {
        resolve({ body: request.body as unknown });
      }
    }),
  );
}

const BOM = '\uFEFF';
const utf8 = (text: string) => Buffer.from(text, 'utf8');
/** `text` with its `#` replaced by a lone continuation byte. */
const notUtf8 = (text: string) => {
  const bytes = utf8(text.replace('#', '\u0000'));
  bytes[bytes.indexOf(0)] = 0x80;
  return bytes;
};

describe('JsonBodyGuard', () => {
  it.each([
    ['an array', utf8('[{"imei":"1"}]')],
    ['an object', utf8('{"a":[1,2]}')],
    ['whitespace, then an array', utf8(' \t\r\n[1]')],
    ['a byte order mark, then an array', utf8(`${BOM}[1]`)],
    ['a byte order mark alone', utf8(BOM)],
    ['two byte order marks', utf8(`${BOM}${BOM}[1]`)],
    ['a byte order mark after whitespace', utf8(` ${BOM}[1]`)],
    ['a string', utf8('"message"')],
    ['a number', utf8('42')],
    ['null', utf8('null')],
    ['true', utf8('true')],
    ['whitespace alone', utf8('  ')],
    ['other whitespace, then an array', utf8('\u00a0[1]')],
    ['malformed JSON', utf8('[{"imei":')],
    ['an array, then more', utf8('[1] [2]')],
    ['a byte that is not UTF-8 inside a string', notUtf8('["a#"]')],
    ['a byte that is not UTF-8 outside a string', notUtf8('[1#]')],
    ['a byte that is not UTF-8 first', notUtf8('#[1]')],
  ])('answers %s as body-parser json() did', async (_label, bytes) => {
    expect((await guardRead(bytes)).outcome).toEqual(await jsonParserOutcome(bytes));
  });

  it('keeps the text it parsed, without its byte order mark', async () => {
    const json = ' [{"imei":"352093081234567","name":"é"}]';
    const { outcome, request } = await guardRead(utf8(`${BOM}${json}`));
    expect({ outcome, text: request.bodyText }).toEqual({
      outcome: { body: JSON.parse(json) as unknown },
      text: json,
    });
  });
});
