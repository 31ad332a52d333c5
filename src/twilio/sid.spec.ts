import { isSid, looksLikeSid, newSid } from './sid';

describe('SIDs', () => {
  it('are the prefix and 32 lowercase hex digits, a new one each time', () => {
    const sids = Array.from({ length: 100 }, () => newSid('WP'));
    for (const sid of sids) expect(sid).toMatch(/^WP[0-9a-f]{32}$/);
    expect(new Set(sids).size).toBe(100);
  });

  it('are recognised by their prefix and the spec pattern (hex in either case)', () => {
    const sid = newSid('DE');
    expect(isSid('DE', sid)).toBe(true);
    expect(isSid('DE', sid.toUpperCase())).toBe(true);
    expect(isSid('WP', sid)).toBe(false);
    expect(isSid('DE', `${sid}0`)).toBe(false);
    expect(isSid('DE', sid.slice(0, 33))).toBe(false);
    expect(isSid('DE', `DE${'g'.repeat(32)}`)).toBe(false);
  });

  it('tells names in the shape of any SID from other names', () => {
    expect(looksLikeSid(newSid('KA'))).toBe(true);
    expect(looksLikeSid(`XY${'0'.repeat(32)}`)).toBe(true);
    expect(looksLikeSid(`xy${'0'.repeat(32)}`)).toBe(false);
    expect(looksLikeSid(`XY${'0'.repeat(31)}`)).toBe(false);
    expect(looksLikeSid('my-rate-plan')).toBe(false);
  });
});
