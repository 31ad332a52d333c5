/**
 * The numbers printed on a SIM, as an operator's import file carries them. Both end in check
 * digits, which catch the typing and copying mistakes a file of SIMs is prone to.
 */

/**
 * ICCID, ITU-T E.118: the telecom industry identifier `89`, then the issuer and the card's number,
 * 18 to 22 digits in all, the last a Luhn check digit over the others.
 */
const ICCID = /^89\d{16,20}$/;

/**
 * EID, GSMA SGP.02 / SGP.29: 32 digits (those of SGP.29 need not start with `89`), the whole a
 * number whose remainder by 97 is 1 (check digits of ISO/IEC 7064 MOD 97-10, as in an IBAN).
 */
const EID = /^\d{32}$/;

/** The Luhn check (ISO/IEC 7812-1) over a string of digits, its check digit last. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Why `value` is not an ICCID, or undefined when it is one. */
export function iccidProblem(value: string): string | undefined {
  if (!ICCID.test(value)) return 'must be 18 to 22 digits starting with 89 (ITU-T E.118)';
  if (!passesLuhn(value))
    return 'fails its check digit (Luhn): a digit is wrong or two are swapped';
  return undefined;
}

/** Why `value` is not an EID, or undefined when it is one. */
export function eidProblem(value: string): string | undefined {
  if (!EID.test(value)) return 'must be 32 digits (GSMA SGP.29)';
  if (BigInt(value) % 97n !== 1n) {
    return 'fails its check digits (ISO 7064 MOD 97-10): a digit is wrong or two are swapped';
  }
  return undefined;
}
