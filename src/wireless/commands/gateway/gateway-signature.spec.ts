import { signatureHeaders, signatureHeadersProblem, signatureMatches } from './gateway-signature';

const SECRET = 'an-example-secret-of-32-characters!!';
const BODY = Buffer.from(
  '{"command_sid":"DCaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","status":"delivered"}',
);
const NOW_MS = 1_700_000_000_000;

describe('the HTTP gateway signature', () => {
  it('is HMAC-SHA256 of "<timestamp>.<body>", as `openssl dgst -sha256 -hmac` computes it', () => {
    expect(signatureHeaders(SECRET, BODY, NOW_MS + 999)).toEqual({
      'X-FleetHub-Timestamp': '1700000000',
      'X-FleetHub-Signature':
        'sha256=fc3334cd05e27cc0a0f1889f3f75af56898fb69567552d336a8db3ddbfa195cc',
    });
  });

  it('matches only the same secret, timestamp and bytes', () => {
    const headers = signatureHeaders(SECRET, BODY, NOW_MS);
    const timestamp = headers['X-FleetHub-Timestamp'];
    const signature = headers['X-FleetHub-Signature'];
    expect(signatureMatches(SECRET, timestamp, signature, BODY)).toBe(true);
    expect(signatureMatches(`${SECRET}x`, timestamp, signature, BODY)).toBe(false);
    expect(signatureMatches(SECRET, '1700000001', signature, BODY)).toBe(false);
    expect(signatureMatches(SECRET, timestamp, signature, Buffer.from(`${BODY.toString()} `))).toBe(
      false,
    );
  });

  it('refuses headers that are missing, malformed or out of the five-minute window', () => {
    const signature = `sha256=${'0'.repeat(64)}`;
    expect(signatureHeadersProblem('1700000000', signature, NOW_MS)).toBeUndefined();
    expect(signatureHeadersProblem('1700000300', signature, NOW_MS)).toBeUndefined();
    expect(signatureHeadersProblem(undefined, signature, NOW_MS)).toBe(
      'X-FleetHub-Timestamp and X-FleetHub-Signature are required',
    );
    expect(signatureHeadersProblem('1700000000', undefined, NOW_MS)).toBe(
      'X-FleetHub-Timestamp and X-FleetHub-Signature are required',
    );
    expect(signatureHeadersProblem('1.7e9', signature, NOW_MS)).toBe(
      'X-FleetHub-Timestamp must be Unix seconds',
    );
    expect(signatureHeadersProblem('1700000000', `sha1=${'0'.repeat(40)}`, NOW_MS)).toBe(
      'X-FleetHub-Signature must be sha256=<64 hex digits>',
    );
    expect(signatureHeadersProblem('1699999699', signature, NOW_MS)).toBe(
      "X-FleetHub-Timestamp is more than 300 s away from the server's clock",
    );
    expect(signatureHeadersProblem('1700000301', signature, NOW_MS)).toBe(
      "X-FleetHub-Timestamp is more than 300 s away from the server's clock",
    );
  });
});
