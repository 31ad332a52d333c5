import { eidProblem, iccidProblem, passesLuhn } from './sim-identifiers';

describe('SIM identifiers', () => {
  describe('ICCID', () => {
    it.each([
      ['the 20-digit example of E.118 (Wikipedia)', '89014103211118510720'],
      ['19 digits', '8944500102198304826'],
      ['18 digits', '894450010219830486'],
      ['22 digits', '8944500102198304826001'],
    ])('accepts %s', (_case, iccid) => {
      expect(passesLuhn(iccid)).toBe(true);
      expect(iccidProblem(iccid)).toBeUndefined();
    });

    it.each([
      ['17 digits', '89445001021983048'],
      ['23 digits', '89445001021983048260000'],
      ['another industry than telecom', '99014103211118510720'],
      ['letters', '8901410321111851072F'],
      ['spaces', '8901 4103 2111 1851 0720'],
      ['nothing', ''],
    ])('refuses %s for its form', (_case, iccid) => {
      expect(iccidProblem(iccid)).toBe('must be 18 to 22 digits starting with 89 (ITU-T E.118)');
    });

    it.each([
      ['one digit wrong', '89014103211118510721'],
      ['two neighbours swapped', '89014103211118501720'],
    ])('refuses %s by its check digit', (_case, iccid) => {
      expect(iccidProblem(iccid)).toMatch(/check digit \(Luhn\)/);
    });
  });

  describe('EID', () => {
    it.each([
      '89034011560010000000000000000121',
      '89001012012341234012345678901224',
      '89044011112233441122334411223321',
    ])('accepts %s (examples of SGP.02 Annex J)', (eid) => {
      expect(eidProblem(eid)).toBeUndefined();
    });

    it.each([
      ['31 digits', '8903401156001000000000000000012'],
      ['33 digits', '890340115600100000000000000001210'],
      ['letters', '8903401156001000000000000000012A'],
    ])('refuses %s for its form', (_case, eid) => {
      expect(eidProblem(eid)).toBe('must be 32 digits (GSMA SGP.29)');
    });

    it.each([
      ['one digit wrong', '89034011560010000000000000000122'],
      ['two neighbours swapped', '89034011560010000000000000000112'],
    ])('refuses %s by its check digits', (_case, eid) => {
      expect(eidProblem(eid)).toMatch(/check digits \(ISO 7064 MOD 97-10\)/);
    });
  });
});
