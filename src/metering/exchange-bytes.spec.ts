import type { Request, Response } from 'express';
import { answerBodyBytes, requestBodyBytes } from './exchange-bytes';

const request = (headers: Record<string, string>, rawBody?: Buffer) =>
  ({ headers, rawBody }) as unknown as Request & { rawBody?: Buffer };

describe('requestBodyBytes', () => {
  it('is the declared Content-Length: the body as sent, even compressed', () => {
    expect(requestBodyBytes(request({ 'content-length': '120' }, Buffer.alloc(900)))).toBe(120);
  });

  it('is the bytes read when the body came chunked, without a Content-Length', () => {
    expect(requestBodyBytes(request({ 'transfer-encoding': 'chunked' }, Buffer.alloc(77)))).toBe(
      77,
    );
    expect(requestBodyBytes(request({}))).toBe(0);
  });
});

describe('answerBodyBytes', () => {
  const response = (length: unknown) => ({ getHeader: () => length }) as unknown as Response;

  it("is the answer's Content-Length, 0 when it has none", () => {
    expect(answerBodyBytes(response('81'))).toBe(81);
    expect(answerBodyBytes(response(81))).toBe(81);
    expect(answerBodyBytes(response(undefined))).toBe(0);
  });
});
