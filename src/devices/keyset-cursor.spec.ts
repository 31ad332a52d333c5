import { decodeCursor, encodeCursor } from './keyset-cursor';

describe('keyset cursors', () => {
  const anyKey = () => true;

  it('carry their key back', () => {
    const cursor = encodeCursor('positions', ['2026-04-04T14:30:00.000Z', '101']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('positions', cursor, 2, anyKey)).toEqual([
      '2026-04-04T14:30:00.000Z',
      '101',
    ]);
  });

  it.each([
    ['not base64url', '!!!'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['another listing', encodeCursor('events', ['2026-04-04T14:30:00.000Z', 'X'])],
    ['the wrong arity', encodeCursor('positions', ['2026-04-04T14:30:00.000Z'])],
    ['a non-string key', Buffer.from('["positions",1,"101"]').toString('base64url')],
    ['too long', 'A'.repeat(600)],
  ])('refuse %s with VALIDATION_ERROR on `cursor`', (_case, cursor) => {
    expect(() => decodeCursor('positions', cursor, 2, anyKey)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_ERROR',
        details: [expect.objectContaining({ field: 'cursor' })],
      }) as Error,
    );
  });

  it('refuse keys the listing finds invalid', () => {
    const cursor = encodeCursor('devices', ['x']);
    expect(() => decodeCursor('devices', cursor, 1, () => false)).toThrow('The request is invalid');
  });
});
