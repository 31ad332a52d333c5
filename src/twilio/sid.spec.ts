import { canonicalSid, isSid, looksLikeSid, newSid, newSids, resourceAddress } from './sid';

describe('SIDs', () => {
  it('are the prefix and 32 lowercase hex digits, a new one each time', () => {
    const sids = Array.from({ length: 100 }, () => newSid('WP'));
    for (const sid of sids) expect(sid).toMatch(/^WP[0-9a-f]{32}$/);
    expect(new Set(sids).size).toBe(100);
  });

  it('are made by the thousand in the same form, each different', () => {
    const sids = newSids('DS', 1000);
    expect(sids).toHaveLength(1000);
    for (const sid of sids) expect(sid).toMatch(/^DS[0-9a-f]{32}$/);
    expect(new Set(sids).size).toBe(1000);
    expect(newSids('DS', 0)).toEqual([]);
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

  it('are written in their canonical form, lower-case hex, or not at all', () => {
    const sid = newSid('KA');
    expect(canonicalSid('KA', sid)).toBe(sid);
    expect(canonicalSid('KA', `KA${sid.slice(2).toUpperCase()}`)).toBe(sid);
    expect(canonicalSid('KA', sid.toLowerCase())).toBeUndefined();
    expect(canonicalSid('UV', sid)).toBeUndefined();
    expect(canonicalSid('KA', 'my-app')).toBeUndefined();
  });

  it('tells names in the shape of any SID from other names', () => {
    expect(looksLikeSid(newSid('KA'))).toBe(true);
    expect(looksLikeSid(`XY${'0'.repeat(32)}`)).toBe(true);
    expect(looksLikeSid(`xy${'0'.repeat(32)}`)).toBe(false);
    expect(looksLikeSid(`XY${'0'.repeat(31)}`)).toBe(false);
    expect(looksLikeSid('my-rate-plan')).toBe(false);
  });

  it('address a resource by SID (hex in lower case) or by unique name', () => {
    const sid = newSid('WP');
    expect(resourceAddress('WP', sid, 64)).toEqual({ sid });
    expect(resourceAddress('WP', sid.toUpperCase(), 64)).toEqual({ sid });
    expect(resourceAddress('WP', newSid('DE').replace('DE', 'XX'), 64)).toEqual({
      uniqueName: expect.stringMatching(/^XX/) as string,
    });
    expect(resourceAddress('WP', 'my plan', 64)).toEqual({ uniqueName: 'my plan' });
  });

  it('address nothing by a name no resource can have', () => {
    for (const name of ['', 'x'.repeat(65), 'a\u0000b', 'a\nb']) {
      expect(resourceAddress('WP', name, 64)).toBeUndefined();
    }
  });
});
